// libcups for Swift, loaded only when the kiosk first prints or asks a printer (loader.c): the kiosk does not link
// libcups and the dozen libraries it brings (GnuTLS, Kerberos, Avahi, D-Bus…), so a check-in does not map them.
// The declarations are libcups2-dev's headers; the definitions the kiosk calls are loader.c's, which forward to the
// library opened with dlopen. Without libcups on the machine, each call fails as CUPS would when not answering, and
// cupsLastErrorString() says the library is missing.
#ifndef PERMANENCE_CCUPS_SHIM_H
#define PERMANENCE_CCUPS_SHIM_H
#include <cups/cups.h>
#include <cups/ipp.h>

// Swift cannot call C variadic functions: the one helper the client needs, fixed-arity.
// (ippAddStrings and friends are not variadic; cupsLangPrintf-style calls are avoided.)
static inline ipp_t *permanence_job_request(ipp_op_t op, const char *printer_uri, int job_id) {
    ipp_t *request = ippNewRequest(op);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri);
    if (job_id > 0) ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    return request;
}
#endif
