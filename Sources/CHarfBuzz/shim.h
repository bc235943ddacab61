// HarfBuzz (shaping) and hb-subset (font subsetting), from Debian's libharfbuzz-dev.
#include <harfbuzz/hb.h>
#include <harfbuzz/hb-ot.h>
#include <harfbuzz/hb-subset.h>
