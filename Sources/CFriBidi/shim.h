#include <fribidi/fribidi.h>

// FriBidi's paragraph types and flags are macros over other macros; Swift sees these instead.
static inline FriBidiParType cfribidi_par_rtl(void) { return FRIBIDI_PAR_RTL; }
static inline FriBidiParType cfribidi_par_ltr(void) { return FRIBIDI_PAR_LTR; }
static inline FriBidiParType cfribidi_par_on(void) { return FRIBIDI_PAR_ON; }
// Mirrored brackets on right-to-left runs, Arabic letters joined as presentation forms, lam-alef ligatures.
static inline FriBidiFlags cfribidi_shape_flags(void) { return FRIBIDI_FLAG_SHAPE_MIRRORING | FRIBIDI_FLAGS_ARABIC; }
// Mirrored brackets only (reading a drawn line back into reading order).
static inline FriBidiFlags cfribidi_mirroring_flags(void) { return FRIBIDI_FLAG_SHAPE_MIRRORING; }
