"""The shipped class table (categories.csv and its companions): it passes its own loader, it holds
every class DOMAIN.md names with the life of the 应用指南 table, and an import row's code and
name are checked against it."""
import os
import shutil

import pytest

from plugins.assets import catalog, rules
from plugins.assets.catalog import CatalogueError
from plugins.assets.rules import RuleError


@pytest.fixture(scope="module")
def cat():
    return catalog.load()


def raises_rule(message, func, *args, **kwargs):
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert info.value.message == message
    return info.value


# --- The shipped files -------------------------------------------------------------------------

def test_the_shipped_files_pass_the_loader(cat):
    assert len(cat.categories) >= 60 and len(cat.map_2010) >= 15
    assert set(cat.financial_classes) == {"buildings", "general_equipment", "special_equipment", "relics", "books",
                                          "furniture"}
    assert set(cat.structures) == {"steel", "reinforced_concrete", "brick_concrete", "brick_wood", "simple"}


@pytest.mark.parametrize("code, name_zh, years", [
    ("A02010105", "台式计算机", 6), ("A02010108", "便携式计算机", 6), ("A02020000", "办公设备", 6),
    ("A05010301", "办公椅", 15), ("A05010304", "教学实验椅凳", 5), ("A05010501", "书柜", 15), ("A05040403", "教具", 5),
])
def test_every_class_domain_md_names_is_there_with_its_life(cat, code, name_zh, years):
    assert cat.resolve(code, name_zh).code == code
    assert cat.minimum_life_years(code) == years


@pytest.mark.parametrize("code, name_zh", [
    ("A01000000", "房屋和构筑物"), ("A02000000", "设备"), ("A03000000", "文物和陈列品"), ("A05000000", "家具和用具"),
])
def test_the_sections_domain_md_names_are_there(cat, code, name_zh):
    assert cat.get(code).name_zh == name_zh and cat.get(code).level == 1


@pytest.mark.parametrize("row, code, structure, years", [
    ("buildings: steel", "A01010200", "steel", 50),
    ("buildings: reinforced concrete", "A01010200", "reinforced_concrete", 50),
    ("buildings: brick-concrete", "A01010100", "brick_concrete", 30),
    ("buildings: brick-wood", "A01010200", "brick_wood", 30),
    ("simple buildings", "A01019900", "simple", 8),
    ("attachments, structures", "A01020000", None, 8),
    ("computers", "A02010100", None, 6), ("office equipment", "A02020000", None, 6),
    ("vehicles (school buses too)", "A02030000", None, 8),
    ("machinery: lifts, boilers", "A02050000", None, 10), ("machinery: air conditioning", "A02061804", None, 10),
    ("electrical", "A02060000", None, 5), ("communication", "A02080000", None, 5), ("AV", "A02090000", None, 5),
    ("instruments", "A02100000", None, 5), ("library equipment", "A02040000", None, 5),
    ("food-processing equipment (kitchen)", "A02240000", None, 10), ("medical equipment", "A02320000", None, 5),
    ("teaching", "A05040403", None, 5), ("sports", "A02460000", None, 5), ("arts: pianos", "A02450100", None, 5),
    ("play: slides", "A02470000", None, 5), ("furniture", "A05010000", None, 15),
    ("student teaching furniture: desks", "A05010203", None, 5), ("student chairs", "A05010304", None, 5),
    ("utensils and fittings", "A05040000", None, 5),
])
def test_every_row_of_the_life_table_in_domain_md_has_a_class_with_that_minimum(cat, row, code, structure, years):
    assert cat.get(code).assignable, row
    assert cat.minimum_life_years(code, structure) == years, row


@pytest.mark.parametrize("code", ["A03000000", "A04000000", "A06000000"])
def test_relics_books_and_animals_and_plants_are_not_depreciated(cat, code):
    category = cat.get(code)
    assert not category.depreciable and category.assignable
    assert cat.minimum_life_years(code) is None
    assert all(not c.depreciable for c in cat.categories.values() if c.code[:3] == code[:3])


def test_school_items_have_a_class_to_go_to(cat):
    """What a school, kindergarten or hospital holds, by the word the keeper would look for."""
    notes = {c.code: c.name_zh + c.note for c in cat.categories.values() if c.assignable}
    for word in ("钢琴", "滑梯", "消毒柜", "留样冰箱", "校车", "电梯", "空调", "午睡床", "课桌椅", "教学楼", "操场",
                 "厨房", "保健室", "电子白板", "图书"):
        assert any(word in text for text in notes.values()), word


def test_each_class_reconciles_to_one_of_the_six_financial_classes_of_its_parent(cat):
    for c in cat.categories.values():
        if c.assignable:
            assert c.financial_class in cat.financial_classes, c.code
        if c.parent and cat.get(c.parent).financial_class:
            assert c.financial_class == cat.get(c.parent).financial_class, c.code


def test_special_equipment_is_what_the_1500_yuan_threshold_applies_to(cat):
    assert cat.get("A02320000").special and cat.get("A02450100").special
    assert not cat.get("A02010105").special and not cat.get("A05010203").special


def test_every_minimum_life_names_its_row_of_the_table(cat):
    for c in cat.categories.values():
        if c.depreciable and c.assignable:
            assert "应用指南" in c.life_source, c.code
    for s in cat.structures.values():
        assert "应用指南" in s.life_source


def test_a_building_needs_its_structure_for_its_minimum(cat):
    raises_rule(catalog.ERR_STRUCTURE_REQUIRED, cat.minimum_life_years, "A01010200")
    assert raises_rule(catalog.ERR_STRUCTURE_UNKNOWN, cat.minimum_life_years, "A01010200", "adobe").field == "structure"


# --- Codes and names of an import row ------------------------------------------------------------

@pytest.mark.parametrize("raw, code", [
    ("A02010105", "A02010105"), ("a02010105", "A02010105"), ("Ａ０２０１０１０５", "A02010105"),
    (" A02-01-01-05 ", "A02010105"), ("A02000000", "A02000000"), ("A05010000", "A05010000"),
])
def test_a_code_is_one_letter_and_eight_digits_in_four_levels(raw, code):
    assert catalog.check_code(raw) == code


@pytest.mark.parametrize("raw, message", [
    ("A0201010", catalog.ERR_CODE_FORMAT), ("A020101050", catalog.ERR_CODE_FORMAT), ("202010105", catalog.ERR_CODE_FORMAT),
    ("", catalog.ERR_CODE_FORMAT), ("A00000000", catalog.ERR_CODE_LEVELS), ("A02000105", catalog.ERR_CODE_LEVELS),
    ("A02010005", catalog.ERR_CODE_LEVELS),
])
def test_a_malformed_code_is_refused_on_the_category(raw, message):
    assert raises_rule(message, catalog.check_code, raw).field == "category"


@pytest.mark.parametrize("code, level, parent", [
    ("A02000000", 1, None), ("A02010000", 2, "A02000000"), ("A02010100", 3, "A02010000"), ("A02010105", 4, "A02010100"),
])
def test_the_levels_and_parents_of_a_code(code, level, parent):
    assert (catalog.code_level(code), catalog.parent_code(code)) == (level, parent)


@pytest.mark.parametrize("code, name", [
    ("A02010105", "台式计算机"), ("A02010105", "Desktop computers"), ("A02010105", "台式机"),
    ("A05010304", "教学、实验椅凳"), ("A05010304", "教学实验椅凳"), ("A05010304", "教学 、实验椅凳 "),
    ("A02091001", "普通电视设备(电视机)"), ("A02010105", None), ("A02010105", ""),
])
def test_a_code_with_its_name_in_either_language_or_as_other_tables_write_it_is_accepted(cat, code, name):
    assert cat.resolve(code, name).code == code


def test_a_code_whose_name_does_not_match_is_an_error_showing_both(cat):
    err = raises_rule(catalog.ERR_CODE_NAME_MISMATCH, cat.resolve, "A05010501", "办公椅")
    assert err.field == "category"
    assert str(err) == "Class A05010501 is “书柜”, but the row says “办公椅”"


def test_a_ledger_coded_with_the_2013_procurement_catalogue_does_not_file_desktops_as_servers(cat):
    """The 2013 政府采购品目分类目录 coded desktops A02010104, which is 服务器 in GB/T 14885-2022."""
    err = raises_rule(catalog.ERR_CODE_NAME_MISMATCH, cat.resolve, "A02010104", "台式计算机")
    assert err.params == {"code": "A02010104", "expected": "服务器", "given": "台式计算机"}


def test_an_unknown_code_or_a_group_is_refused_on_the_category(cat):
    assert raises_rule(catalog.ERR_CODE_UNKNOWN, cat.resolve, "A02019999").params == {"code": "A02019999"}
    assert raises_rule(catalog.ERR_CODE_GROUP, cat.resolve, "A02000000", "设备").field == "category"


def test_a_common_2010_code_is_mapped_to_2022_with_its_2010_or_its_2022_name(cat):
    assert cat.resolve("2010104", "台式机").code == "A02010105"
    assert cat.resolve("2010104", "台式计算机").code == "A02010105"
    assert cat.resolve("2320000").code == "A02090000"
    err = raises_rule(catalog.ERR_CODE_NAME_MISMATCH, cat.resolve, "2010104", "服务器")
    assert err.params["expected"] == "台式机"


def test_an_unmapped_2010_code_names_the_2022_class_of_its_group(cat):
    err = raises_rule(catalog.ERR_CODE_2010_HINT, cat.resolve, "2010199")
    assert err.params == {"code": "2010199", "group": "2010100", "suggestion": "A02010100", "name": "计算机"}
    raises_rule(catalog.ERR_CODE_2010_UNMAPPED, cat.resolve, "7010101")


def test_a_name_alone_finds_its_class(cat):
    assert cat.named("笔记本电脑").code == "A02010108"
    assert cat.named("No such class") is None
    assert [c.code for c in cat.children("A02010100")] == ["A02010104", "A02010105", "A02010108", "A02010199"]


def test_the_catalogue_messages_read_with_their_placeholders_filled():
    params = dict.fromkeys(("code", "expected", "given", "name", "group", "suggestion", "structure"), "1")
    for name in dir(catalog):
        if name.startswith("ERR_"):
            assert "%(" not in getattr(catalog, name) % params, name


# --- The loader refuses a broken table -------------------------------------------------------------

def _broken(tmp_path, file, edit):
    for name in ("categories.csv", "financial_classes.csv", "building_structures.csv", "code_map_2010.csv"):
        shutil.copy(os.path.join(catalog.FOLDER, name), tmp_path / name)
    path = tmp_path / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        catalog.load(str(tmp_path))
    return "\n".join(info.value.problems)


ROW = "A05010502,文件柜,Filing cabinets,furniture,yes,15,no,应用指南 四.1 家具 15,,public-list,"


@pytest.mark.parametrize("file, edit, problem", [
    ("categories.csv", lambda t: t + ROW + "\n", "appears twice"),
    ("categories.csv", lambda t: t + "A05770101,x,x,furniture,yes,15,no,应用指南,,office,\n", "parent A05770100 is not in the table"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",15,", ",-5,")), "whole number of years"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",15,", ",0,")), "at least one year"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",yes,15,", ",maybe,15,")), "yes or no"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",yes,15,", ",no,15,")), "not depreciated has no minimum"),
    ("categories.csv", lambda t: t + "A03010000,文物,Relics,relics,yes,5,no,应用指南,,office,\n", "depreciable must be no"),
    ("categories.csv", lambda t: t + "A06010000,动物,Animals,furniture,yes,5,no,应用指南,,office,\n", "depreciable must be no"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("furniture,", "furnishings,")), "unknown financial class"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("furniture,", "buildings,")), "differs from its parent"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("A05010502", "A0501050")), "not a GB/T 14885-2022 code"),
    ("categories.csv", lambda t: t.replace(ROW, ROW + ",extra"), "wrong number of columns"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",,public-list", ",书柜,public-list")), "also A05010501's"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("应用指南 四.1 家具 15", "")), "life_source"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace(",15,no,", ",15,yes,")), "only a building class"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("public-list", "hearsay")), "code_source"),
    ("categories.csv", lambda t: t.replace(ROW, ROW.replace("文件柜", "")), "both names"),
    ("code_map_2010.csv", lambda t: t + "2010104,台式机,A02010105,office,\n", "appears twice"),
    ("code_map_2010.csv", lambda t: t + "201010,台式机,A02010105,office,\n", "7-digit"),
    ("code_map_2010.csv", lambda t: t + "2010199,其他计算机,A02000000,office,\n", "not a class cards can go to"),
    ("code_map_2010.csv", lambda t: t + "2010198,其他,A02019999,office,\n", "not a class cards can go to"),
    ("building_structures.csv", lambda t: t.replace("steel,钢结构,Steel frame,50", "steel,钢结构,Steel frame,0"), "at least one year"),
])
def test_the_loader_refuses_a_broken_table_naming_the_line(tmp_path, file, edit, problem):
    problems = _broken(tmp_path, file, edit)
    assert problem in problems
    assert f"{file} line" in problems or "structure steel" in problems


def test_a_file_saved_by_excel_with_a_byte_order_mark_still_loads(tmp_path):
    for name in ("categories.csv", "financial_classes.csv", "building_structures.csv", "code_map_2010.csv"):
        text = open(os.path.join(catalog.FOLDER, name), encoding="utf-8").read()
        (tmp_path / name).write_text("\ufeff" + text, encoding="utf-8")
    assert catalog.load(str(tmp_path)).get("A02010105").name_zh == "台式计算机"


def test_the_office_adds_its_own_class_below_a_shipped_one(cat):
    def with_class(extra):
        return catalog.Catalogue([*cat.categories.values(), extra], cat.financial_classes.values(),
                                 cat.structures.values(), cat.map_2010.values())

    own = catalog.Category("A05010205", "幼儿桌", "Children's tables", "furniture", True, 5,
                           life_source="应用指南 四.1 学生用家具 5", code_source="office")
    assert with_class(own).resolve("A05010205", "幼儿桌").min_life_years == 5
    with pytest.raises(CatalogueError) as info:
        with_class(catalog.Category("A05880101", "x", "x", "furniture", True, 5, life_source="x"))
    assert info.value.problems == ["A05880101: its parent A05880100 is not in the table"]


def test_the_card_rules_take_the_life_and_the_threshold_from_the_class(cat):
    desktop = cat.resolve("A02010105", "台式计算机")
    raises_rule(rules.ERR_LIFE_BELOW_MINIMUM, rules.check_life, 60, cat.minimum_life_years(desktop.code))
    piano = cat.get("A02450100")
    from decimal import Decimal as D
    assert rules.capitalisation_warning(D("1299.00"), 1, piano.special).params["threshold"] == 1500
