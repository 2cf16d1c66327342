/* The report page (报修): the asset choices follow the room picked (its cards only). */
(function () {
  var room = document.getElementById("room");
  var asset = document.getElementById("asset");
  if (!room || !asset || !room.dataset.assetsUrl) { return; }
  room.addEventListener("change", function () {
    var keep = asset.options.length ? asset.options[0].cloneNode(true) : null;
    while (asset.options.length) { asset.remove(0); }
    if (keep) { asset.add(keep); }
    if (!room.value) { return; }
    fetch(room.dataset.assetsUrl.replace("/0", "/" + encodeURIComponent(room.value)),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.ok ? resp.json() : []; })
      .then(function (items) {
        items.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.id;
          option.textContent = item.label;
          asset.add(option);
        });
      });
  });
})();
