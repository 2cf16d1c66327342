"""Files attached to any record: one row per file, naming its owner by type and id."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, UTCDateTime, utcnow


class Attachment(Audited, Model):
    """Audited: every upload and deletion is in the log with its name, size and checksum."""

    __tablename__ = "attachment"
    # Locked with the record it belongs to (app/locks.py): no upload or deletion once it is.
    __locked_with__ = ("owner_table", "owner_id")
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)
    id = Column(Integer, primary_key=True)
    owner_type = Column(String(40), nullable=False)  # "room", "assets.asset" ... (app.attachments registry)
    owner_id = Column(Integer, nullable=False)
    # The owning record's table: how the locks name a child row's parent (__locked_with__).
    owner_table = Column(String(80), nullable=False)
    original_name = Column(String(160), nullable=False)  # sanitised (app.filetypes.safe_filename)
    stored_name = Column(String(80), nullable=False, unique=True)  # random, in the storage
    thumbnail_name = Column(String(80))  # re-encoded JPEG for images
    kind = Column(String(10), nullable=False)  # app.filetypes.KINDS code
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    checksum = Column(String(64), nullable=False, index=True)  # SHA-256 of the stored bytes
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    uploaded_by = relationship("HouqinUser", foreign_keys=[uploaded_by_id])
    uploaded_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def __str__(self):
        return self.original_name
