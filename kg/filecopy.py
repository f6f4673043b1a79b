"""Byte ranges copied between files without reading them into Python, where the kernel can.

    append_range(source_fd, dest_fd, offset, length, in_kernel) -> whether the kernel can copy the next one

Used to put together files written in parts (kg.void's first mentions, kg.export.datasets' named graphs).
"""

from __future__ import annotations

import errno
import os


def append_range(source: int, dest: int, offset: int, length: int, in_kernel: bool = True) -> bool:
    """Append ``length`` bytes of file ``source`` from ``offset`` to file ``dest``: with ``in_kernel``, by
    os.copy_file_range (the bytes are not read into Python), else read 4 MB at a time. Whether the kernel
    can copy the next range: not where it cannot copy between these files (or has no copy_file_range)."""
    in_kernel = in_kernel and hasattr(os, "copy_file_range")
    while length:
        if in_kernel:
            try:
                done = os.copy_file_range(source, dest, length, offset)
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                    raise
                in_kernel = False
                continue
        else:
            data = os.pread(source, min(length, 1 << 22), offset)
            done = len(data)
            view = memoryview(data)
            while view:
                view = view[os.write(dest, view) :]
        if not done:
            raise OSError(f"a file ended before the bytes to copy from it (offset {offset})")
        offset += done
        length -= done
    return in_kernel
