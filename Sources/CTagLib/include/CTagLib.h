// TagLib, the audio tag reader and writer, behind a C API of its own. TagLib 1.13's C API (tag_c.h) has no
// album artist, disc number, picture or millisecond duration, and hands strings out through one process-wide
// list, so this module wraps TagLib's C++ API in one file (shim.cpp). Only the AudioTags module imports this.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang assume_nonnull begin

/// One audio file opened by TagLib, owned by whoever opened it until ctaglib_close.
typedef struct CTagLibFile CTagLibFile;

/// An embedded picture's bytes and MIME type, both malloc'd; freed with ctaglib_free_picture.
typedef struct {
    uint8_t *_Nullable bytes;
    size_t count;
    char *_Nullable mime_type;
} CTagLibPicture;

/// Opens the file on `descriptor`, which becomes the handle's (closed with it, or at once when this fails).
/// The file's type is found from its content. NULL when TagLib cannot read it.
CTagLibFile *_Nullable ctaglib_open(int descriptor, bool writable);

/// Closes the file and its descriptor, dropping changes not saved.
void ctaglib_close(CTagLibFile *_Nullable file);

/// The first value of a property (TagLib's unified names: TITLE, ALBUMARTIST, DISCNUMBER, DATE...) as malloc'd
/// UTF-8, or NULL when the file has none.
char *_Nullable ctaglib_copy_property(const CTagLibFile *file, const char *key);

/// The audio's length in milliseconds, or -1 when TagLib found no audio properties.
int ctaglib_duration_ms(const CTagLibFile *file);

/// Copies the embedded picture (the front cover if marked, else the first) into `picture`; false when there is none.
bool ctaglib_copy_picture(const CTagLibFile *file, CTagLibPicture *picture);

/// Frees what ctaglib_copy_picture copied.
void ctaglib_free_picture(CTagLibPicture *picture);

/// Frees a string ctaglib_copy_property returned.
void ctaglib_free(void *_Nullable pointer);

/// Sets a property to one value, or removes it when `value` is NULL; applied by ctaglib_save.
bool ctaglib_set_property(CTagLibFile *file, const char *key, const char *_Nullable value);

/// Replaces the embedded pictures by one front cover, or removes them when `bytes` is NULL; false for a format that
/// holds no picture.
bool ctaglib_set_picture(CTagLibFile *file, const uint8_t *_Nullable bytes, size_t count, const char *mime_type);

/// Writes the properties set and the picture to the file; false when TagLib could not.
bool ctaglib_save(CTagLibFile *file);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif
