"""In-memory file storage behind getFile and the file download URL.

Files arrive two ways: a simulated user sends a photo/document/voice (the update then carries a
``file_id``), or the bot uploads one with sendDocument/sendPhoto (multipart). Either way the bytes
are kept so that ``getFile`` + a download under ``base_file_url`` return them, exactly like the
real Bot API does.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass

# Folder and extension Telegram uses in file_path, per kind of media.
_KIND_LAYOUT: dict[str, tuple[str, str]] = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "voice": ("voice", "oga"),
    "audio": ("music", "mp3"),
    "video": ("videos", "mp4"),
    "animation": ("animations", "mp4"),
    "sticker": ("stickers", "webp"),
    "video_note": ("video_notes", "mp4"),
}


@dataclass(frozen=True)
class StoredFile:
    """One stored file; ``content`` is what a download returns."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    kind: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.content)

    def file_object(self) -> dict[str, object]:
        """The ``File`` object getFile answers with (path relative, as Telegram sends it)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


class FileStore:
    """Maps file_id and file_path to stored files."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(
        self,
        content: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        n = next(self._counter)
        folder, ext = _KIND_LAYOUT.get(kind, ("documents", "bin"))
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        # The digest only makes ids look opaque; uniqueness comes from the counter.
        digest = hashlib.sha1(content + n.to_bytes(8, "big")).hexdigest()[:16]
        stored = StoredFile(
            file_id=f"FAKE{kind[:2].upper()}{n:06d}{digest}",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"{folder}/file_{n}.{ext}",
            content=content,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)
