// TagLib's C++ API behind the C functions of include/CTagLib.h. C++ because TagLib 1.13's own C API reaches no
// picture, album artist or disc number; every entry point catches all exceptions so none reaches Swift.
#include "CTagLib.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <unistd.h>

#include <taglib/asffile.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/oggfile.h>
#include <taglib/tfilestream.h>
#include <taglib/tpropertymap.h>
#include <taglib/xiphcomment.h>

using namespace TagLib;

struct CTagLibFile {
    // Declared before the FileRef so that it is destroyed after it: the FileRef reads through the stream.
    std::unique_ptr<FileStream> stream;
    FileRef ref;
    std::optional<PropertyMap> pendingProperties;
    StringList keysSet;
    bool pictureChanged = false;
    std::optional<std::pair<ByteVector, String>> pendingPicture;
};

namespace {

char *copyString(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy != nullptr) std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
}

// One picture found in a tag, its bytes still TagLib's.
struct FoundPicture {
    ByteVector bytes;
    String mimeType;
};

// The front cover when one is marked as such, else the first picture.
template <typename Picture, typename IsFront, typename Read>
std::optional<FoundPicture> pick(const List<Picture> &pictures, IsFront isFront, Read read) {
    if (pictures.isEmpty()) return std::nullopt;
    for (auto it = pictures.begin(); it != pictures.end(); ++it)
        if (isFront(*it)) return read(*it);
    return read(pictures.front());
}

std::optional<FoundPicture> findPicture(File *file) {
    if (auto *mpeg = dynamic_cast<MPEG::File *>(file)) {
        if (!mpeg->hasID3v2Tag()) return std::nullopt;
        List<ID3v2::AttachedPictureFrame *> frames;
        for (auto *frame : mpeg->ID3v2Tag()->frameList("APIC"))
            if (auto *picture = dynamic_cast<ID3v2::AttachedPictureFrame *>(frame)) frames.append(picture);
        return pick(
            frames, [](auto *p) { return p->type() == ID3v2::AttachedPictureFrame::FrontCover; },
            [](auto *p) { return FoundPicture{p->picture(), p->mimeType()}; });
    }
    auto isFront = [](FLAC::Picture *p) { return p->type() == FLAC::Picture::FrontCover; };
    auto readFLAC = [](FLAC::Picture *p) { return FoundPicture{p->data(), p->mimeType()}; };
    if (auto *flac = dynamic_cast<FLAC::File *>(file)) return pick(flac->pictureList(), isFront, readFLAC);
    if (dynamic_cast<Ogg::File *>(file) != nullptr) {
        if (auto *xiph = dynamic_cast<Ogg::XiphComment *>(file->tag())) return pick(xiph->pictureList(), isFront, readFLAC);
        return std::nullopt;
    }
    if (auto *mp4 = dynamic_cast<MP4::File *>(file)) {
        MP4::Tag *tag = mp4->tag();
        if (tag == nullptr || !tag->contains("covr")) return std::nullopt;
        MP4::CoverArtList covers = tag->item("covr").toCoverArtList();
        if (covers.isEmpty()) return std::nullopt;
        const MP4::CoverArt &cover = covers.front();
        const char *mime = "";
        switch (cover.format()) {
        case MP4::CoverArt::JPEG: mime = "image/jpeg"; break;
        case MP4::CoverArt::PNG: mime = "image/png"; break;
        case MP4::CoverArt::BMP: mime = "image/bmp"; break;
        case MP4::CoverArt::GIF: mime = "image/gif"; break;
        default: break;
        }
        return FoundPicture{cover.data(), String(mime)};
    }
    if (auto *asf = dynamic_cast<ASF::File *>(file)) {
        ASF::Tag *tag = asf->tag();
        if (tag == nullptr) return std::nullopt;
        List<ASF::Picture> pictures;
        for (const ASF::Attribute &attribute : tag->attribute("WM/Picture")) {
            ASF::Picture picture = attribute.toPicture();
            if (picture.isValid()) pictures.append(picture);
        }
        return pick(
            pictures, [](const ASF::Picture &p) { return p.type() == ASF::Picture::FrontCover; },
            [](const ASF::Picture &p) { return FoundPicture{p.picture(), p.mimeType()}; });
    }
    return std::nullopt;
}

bool holdsPictures(File *file) {
    return dynamic_cast<MPEG::File *>(file) != nullptr || dynamic_cast<FLAC::File *>(file) != nullptr
        || (dynamic_cast<Ogg::File *>(file) != nullptr && dynamic_cast<Ogg::XiphComment *>(file->tag()) != nullptr)
        || dynamic_cast<MP4::File *>(file) != nullptr || dynamic_cast<ASF::File *>(file) != nullptr;
}

FLAC::Picture *newFLACPicture(const ByteVector &bytes, const String &mimeType) {
    auto *picture = new FLAC::Picture;
    picture->setType(FLAC::Picture::FrontCover);
    picture->setMimeType(mimeType);
    picture->setData(bytes);
    return picture;
}

// Replaces the file's pictures by `picture` (none when empty), in the tag its format keeps them in.
void replacePictures(File *file, const std::optional<std::pair<ByteVector, String>> &picture) {
    if (auto *mpeg = dynamic_cast<MPEG::File *>(file)) {
        ID3v2::Tag *tag = mpeg->ID3v2Tag(true);
        tag->removeFrames("APIC");
        if (!picture) return;
        auto *frame = new ID3v2::AttachedPictureFrame;
        frame->setType(ID3v2::AttachedPictureFrame::FrontCover);
        frame->setMimeType(picture->second);
        frame->setPicture(picture->first);
        tag->addFrame(frame);  // The tag owns the frame from here.
    } else if (auto *flac = dynamic_cast<FLAC::File *>(file)) {
        flac->removePictures();
        if (picture) flac->addPicture(newFLACPicture(picture->first, picture->second));  // Owned by the file.
    } else if (auto *xiph = dynamic_cast<Ogg::XiphComment *>(file->tag())) {
        xiph->removeAllPictures();
        if (picture) xiph->addPicture(newFLACPicture(picture->first, picture->second));  // Owned by the comment.
    } else if (auto *mp4 = dynamic_cast<MP4::File *>(file)) {
        MP4::Tag *tag = mp4->tag();
        if (!picture) {
            tag->removeItem("covr");
            return;
        }
        MP4::CoverArt::Format format = MP4::CoverArt::Unknown;
        if (picture->second == "image/jpeg") format = MP4::CoverArt::JPEG;
        else if (picture->second == "image/png") format = MP4::CoverArt::PNG;
        else if (picture->second == "image/bmp") format = MP4::CoverArt::BMP;
        else if (picture->second == "image/gif") format = MP4::CoverArt::GIF;
        MP4::CoverArtList covers;
        covers.append(MP4::CoverArt(format, picture->first));
        tag->setItem("covr", covers);
    } else if (auto *asf = dynamic_cast<ASF::File *>(file)) {
        ASF::Tag *tag = asf->tag();
        tag->removeItem("WM/Picture");
        if (!picture) return;
        ASF::Picture cover;
        cover.setType(ASF::Picture::FrontCover);
        cover.setMimeType(picture->second);
        cover.setPicture(picture->first);
        tag->setAttribute("WM/Picture", ASF::Attribute(cover));
    }
}

}  // namespace

extern "C" {

CTagLibFile *ctaglib_open(int descriptor, bool writable) {
    try {
        auto handle = std::make_unique<CTagLibFile>();
        handle->stream = std::make_unique<FileStream>(descriptor, !writable);
        // A stream that did not open leaves the descriptor alone; an open one closes it when destroyed.
        if (!handle->stream->isOpen()) {
            close(descriptor);
            return nullptr;
        }
        if (writable && handle->stream->readOnly()) return nullptr;
        handle->ref = FileRef(handle->stream.get());
        if (handle->ref.isNull() || !handle->ref.file()->isValid()) return nullptr;
        return handle.release();
    } catch (...) {
        return nullptr;
    }
}

void ctaglib_close(CTagLibFile *file) {
    try {
        delete file;
    } catch (...) {
    }
}

char *ctaglib_copy_property(const CTagLibFile *file, const char *key) {
    try {
        PropertyMap properties = file->ref.file()->properties();
        auto found = properties.find(String(key, String::UTF8));
        if (found == properties.end() || found->second.isEmpty()) return nullptr;
        return copyString(found->second.front().to8Bit(true));
    } catch (...) {
        return nullptr;
    }
}

int ctaglib_duration_ms(const CTagLibFile *file) {
    try {
        AudioProperties *properties = file->ref.file()->audioProperties();
        return properties == nullptr ? -1 : properties->lengthInMilliseconds();
    } catch (...) {
        return -1;
    }
}

bool ctaglib_copy_picture(const CTagLibFile *file, CTagLibPicture *picture) {
    *picture = CTagLibPicture{nullptr, 0, nullptr};
    try {
        std::optional<FoundPicture> found = findPicture(file->ref.file());
        if (!found || found->bytes.isEmpty()) return false;
        picture->bytes = static_cast<uint8_t *>(std::malloc(found->bytes.size()));
        picture->mime_type = copyString(found->mimeType.to8Bit(true));
        if (picture->bytes == nullptr || picture->mime_type == nullptr) {
            ctaglib_free_picture(picture);
            return false;
        }
        std::memcpy(picture->bytes, found->bytes.data(), found->bytes.size());
        picture->count = found->bytes.size();
        return true;
    } catch (...) {
        ctaglib_free_picture(picture);
        return false;
    }
}

void ctaglib_free_picture(CTagLibPicture *picture) {
    std::free(picture->bytes);
    std::free(picture->mime_type);
    *picture = CTagLibPicture{nullptr, 0, nullptr};
}

void ctaglib_free(void *pointer) { std::free(pointer); }

bool ctaglib_set_property(CTagLibFile *file, const char *key, const char *value) {
    try {
        if (!file->pendingProperties) file->pendingProperties = file->ref.file()->properties();
        String name(key, String::UTF8);
        file->keysSet.append(name);
        if (value == nullptr) file->pendingProperties->erase(name);
        else file->pendingProperties->replace(name, StringList(String(value, String::UTF8)));
        return true;
    } catch (...) {
        return false;
    }
}

bool ctaglib_set_picture(CTagLibFile *file, const uint8_t *bytes, size_t count, const char *mime_type) {
    try {
        if (!holdsPictures(file->ref.file())) return false;
        file->pictureChanged = true;
        if (bytes == nullptr) file->pendingPicture.reset();
        else
            file->pendingPicture.emplace(
                ByteVector(reinterpret_cast<const char *>(bytes), static_cast<unsigned int>(count)),
                String(mime_type, String::UTF8));
        return true;
    } catch (...) {
        return false;
    }
}

bool ctaglib_save(CTagLibFile *file) {
    try {
        File *taglibFile = file->ref.file();
        // Properties first: setting them rewrites the property-mapped fields, which pictures are not.
        if (file->pendingProperties) {
            // What the format cannot hold comes back; only a property this handle was asked to set is a failure.
            PropertyMap unsupported = taglibFile->setProperties(*file->pendingProperties);
            for (const String &key : file->keysSet)
                if (unsupported.contains(key)) return false;
        }
        if (file->pictureChanged) replacePictures(taglibFile, file->pendingPicture);
        return taglibFile->save();
    } catch (...) {
        return false;
    }
}

}  // extern "C"
