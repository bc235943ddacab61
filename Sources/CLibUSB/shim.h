// libusb-1.0 for Swift (the include path comes from pkg-config libusb-1.0).
// No variadic function is used, so no wrapper is needed here.
#ifndef PERMANENCE_CLIBUSB_SHIM_H
#define PERMANENCE_CLIBUSB_SHIM_H
#include <libusb.h>
#endif
