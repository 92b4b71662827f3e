"""Upload handling for the import page: files stream to disk and stop at the size cap, so
an oversized upload is never read whole into memory (nor written whole to disk)."""

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Writes each uploaded file to a temporary file and skips any file that grows past
    `limit_bytes`, remembering its name in `skipped` for the report."""

    def __init__(self, request=None, *, limit_bytes: int):
        super().__init__(request)
        self.limit_bytes = limit_bytes
        self.skipped: list[str] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit_bytes:
            self.skipped.append(self.file_name)
            self.file.close()
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)
