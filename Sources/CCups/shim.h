// libcups for Swift. libcups2-dev has no pkg-config file: the module map links "cups".
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
