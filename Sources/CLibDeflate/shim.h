// libdeflate (whole-buffer DEFLATE, zlib format), to compress PDF streams (FlateDecode), from Debian's libdeflate-dev.
#include <libdeflate.h>
