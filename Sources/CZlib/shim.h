// zlib, to compress PDF streams (FlateDecode), from Debian's zlib1g-dev.
#include <zlib.h>
