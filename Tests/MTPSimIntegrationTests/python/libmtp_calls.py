"""Calls of libmtp that no mtp-tools program makes, for tests under mtpsim.

Debian's mtp-tools can send album art (mtp-albumart) but not read it back, and cannot set a single object
property. This script reaches the installed libmtp (libmtp.so.9) through ctypes, so what it checks goes through
real libmtp and real libusb, as the tools do. One command per run; each prints lines a test can match:

    sample-format                   LIBMTP_Get_Representative_Sample_Format for albums
    get-art ID OUTFILE              LIBMTP_Get_Representative_Sample of object ID, data written to OUTFILE
    set-date ID YYYYMMDDTHHMMSS     LIBMTP_Set_Object_String(ID, DateModified, ...)
    get-date ID                     LIBMTP_Get_Filemetadata(ID)'s modification date, with the local time it means
"""

import ctypes
import sys
import time

# Values of libmtp.h's enums and the layouts of its structs as libmtp 1.1 declares them on 64-bit Linux.
FILETYPE_ALBUM = 42
PROPERTY_DATE_MODIFIED = 8


class FileSampleData(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_uint32),
        ("height", ctypes.c_uint32),
        ("duration", ctypes.c_uint32),
        ("filetype", ctypes.c_int),
        ("size", ctypes.c_uint64),
        ("data", ctypes.POINTER(ctypes.c_uint8)),
    ]


class File(ctypes.Structure):
    pass


File._fields_ = [
    ("item_id", ctypes.c_uint32),
    ("parent_id", ctypes.c_uint32),
    ("storage_id", ctypes.c_uint32),
    ("filename", ctypes.c_char_p),
    ("filesize", ctypes.c_uint64),
    ("modificationdate", ctypes.c_int64),
    ("filetype", ctypes.c_int),
    ("next", ctypes.POINTER(File)),
]


def open_device(libmtp):
    """The first device on the bus, opened uncached as mtpsessiond opens devices."""
    libmtp.LIBMTP_Init()
    raw = ctypes.c_void_p()
    count = ctypes.c_int()
    error = libmtp.LIBMTP_Detect_Raw_Devices(ctypes.byref(raw), ctypes.byref(count))
    if error != 0 or count.value < 1:
        sys.exit(f"no device: error {error}, {count.value} devices")
    device = libmtp.LIBMTP_Open_Raw_Device_Uncached(raw)
    if not device:
        sys.exit("could not open the device")
    return device


def fail(libmtp, device, what):
    libmtp.LIBMTP_Dump_Errorstack(device)
    sys.stdout.flush()
    sys.exit(f"{what} failed")


def main(argv):
    libmtp = ctypes.CDLL("libmtp.so.9")
    libmtp.LIBMTP_Open_Raw_Device_Uncached.restype = ctypes.c_void_p
    libmtp.LIBMTP_Open_Raw_Device_Uncached.argtypes = [ctypes.c_void_p]
    libmtp.LIBMTP_Release_Device.argtypes = [ctypes.c_void_p]
    libmtp.LIBMTP_Dump_Errorstack.argtypes = [ctypes.c_void_p]
    libmtp.LIBMTP_Get_Representative_Sample_Format.argtypes = [
        ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(FileSampleData))]
    libmtp.LIBMTP_Get_Representative_Sample.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(FileSampleData)]
    libmtp.LIBMTP_Set_Object_String.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_char_p]
    libmtp.LIBMTP_Get_Filemetadata.restype = ctypes.POINTER(File)
    libmtp.LIBMTP_Get_Filemetadata.argtypes = [ctypes.c_void_p, ctypes.c_uint32]

    command = argv[1]
    device = open_device(libmtp)
    if command == "sample-format":
        sample = ctypes.POINTER(FileSampleData)()
        if libmtp.LIBMTP_Get_Representative_Sample_Format(device, FILETYPE_ALBUM, ctypes.byref(sample)) != 0:
            fail(libmtp, device, "LIBMTP_Get_Representative_Sample_Format")
        if not sample:
            print("sample-format none")
        else:
            s = sample.contents
            print(f"sample-format filetype={s.filetype} width={s.width} height={s.height} size={s.size}")
    elif command == "get-art":
        sample = FileSampleData()
        if libmtp.LIBMTP_Get_Representative_Sample(device, int(argv[2], 0), ctypes.byref(sample)) != 0:
            fail(libmtp, device, "LIBMTP_Get_Representative_Sample")
        with open(argv[3], "wb") as out:
            out.write(ctypes.string_at(sample.data, sample.size) if sample.size else b"")
        print(f"art filetype={sample.filetype} width={sample.width} height={sample.height} size={sample.size}")
    elif command == "set-date":
        if libmtp.LIBMTP_Set_Object_String(device, int(argv[2], 0), PROPERTY_DATE_MODIFIED, argv[3].encode()) != 0:
            fail(libmtp, device, "LIBMTP_Set_Object_String")
        print("set-date done")
    elif command == "get-date":
        file = libmtp.LIBMTP_Get_Filemetadata(device, int(argv[2], 0))
        if not file:
            fail(libmtp, device, "LIBMTP_Get_Filemetadata")
        seconds = file.contents.modificationdate
        print(f"date {seconds} {time.strftime('%Y%m%dT%H%M%S', time.localtime(seconds))}")
    else:
        sys.exit(f"unknown command {command}")
    libmtp.LIBMTP_Release_Device(device)


if __name__ == "__main__":
    main(sys.argv)
