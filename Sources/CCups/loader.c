// libcups, opened the first time the kiosk prints or asks a printer (see include/CCups.h). This file does not include
// CUPS's headers (they give every function default visibility): the same C calls with their types as the ABI sees
// them — the opaque structures as pointers, the enumerations as int. The definitions are hidden, so that libcups's
// own calls between its functions never come back here.
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

// CUPS's values for "not answering" (ipp.h IPP_STATUS_ERROR_SERVICE_UNAVAILABLE, http.h HTTP_STATUS_ERROR).
enum { SERVICE_UNAVAILABLE = 0x0502, HTTP_ERROR = -1 };
static const char *const missing = "libcups is not installed on this machine (Debian: libcups2): nothing can be printed";

static struct {
    int (*cupsCancelDestJob)(void *http, void *dest, int job_id);
    void * (*cupsConnectDest)(void *dest, unsigned flags, int msec, int *cancel, char *resource, size_t resourcesize, void *cb, void *user_data);
    void * (*cupsCopyDestInfo)(void *http, void *dest);
    int (*cupsCreateDestJob)(void *http, void *dest, void *info, int *job_id, const char *title, int num_options, void *options);
    void * (*cupsDoRequest)(void *http, void *request, const char *resource);
    int (*cupsFinishDestDocument)(void *http, void *dest, void *info);
    void (*cupsFreeDestInfo)(void *dinfo);
    void (*cupsFreeDests)(int num_dests, void *dests);
    void * (*cupsGetDestWithURI)(const char *name, const char *uri);
    int (*cupsGetDests2)(void *http, void **dests);
    void * (*cupsGetNamedDest)(void *http, const char *name, const char *instance);
    const char * (*cupsGetOption)(const char *name, int num_options, void *options);
    int (*cupsLastError)(void);
    const char * (*cupsLastErrorString)(void);
    int (*cupsStartDestDocument)(void *http, void *dest, void *info, int job_id, const char *docname, const char *format, int num_options, void *options, int last_document);
    int (*cupsWriteRequestData)(void *http, const char *buffer, size_t length);
    void (*httpClose)(void *http);
    void *(*httpConnect2)(const char *host, int port, void *addrlist, int family, int encryption, int blocking, int msec, int *cancel);
    void (*ippDelete)(void *ipp);
    void * (*ippFindAttribute)(void *ipp, const char *name, int type);
    int (*ippGetCount)(void *attr);
    int (*ippGetInteger)(void *attr, int element);
    const char * (*ippGetString)(void *attr, int element, const char **language);
    void * (*ippNewRequest)(int op);
    void * (*ippAddString)(void *ipp, int group, int value_tag, const char *name, const char *language, const char *value);
    void * (*ippAddInteger)(void *ipp, int group, int value_tag, const char *name, int value);
    const char * (*cupsUser)(void);
} real;

static void load_library(void) {
    void *library = dlopen("libcups.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    *(void **)&real.cupsCancelDestJob = dlsym(library, "cupsCancelDestJob");
    *(void **)&real.cupsConnectDest = dlsym(library, "cupsConnectDest");
    *(void **)&real.cupsCopyDestInfo = dlsym(library, "cupsCopyDestInfo");
    *(void **)&real.cupsCreateDestJob = dlsym(library, "cupsCreateDestJob");
    *(void **)&real.cupsDoRequest = dlsym(library, "cupsDoRequest");
    *(void **)&real.cupsFinishDestDocument = dlsym(library, "cupsFinishDestDocument");
    *(void **)&real.cupsFreeDestInfo = dlsym(library, "cupsFreeDestInfo");
    *(void **)&real.cupsFreeDests = dlsym(library, "cupsFreeDests");
    *(void **)&real.cupsGetDestWithURI = dlsym(library, "cupsGetDestWithURI");
    *(void **)&real.cupsGetDests2 = dlsym(library, "cupsGetDests2");
    *(void **)&real.cupsGetNamedDest = dlsym(library, "cupsGetNamedDest");
    *(void **)&real.cupsGetOption = dlsym(library, "cupsGetOption");
    *(void **)&real.cupsLastError = dlsym(library, "cupsLastError");
    *(void **)&real.cupsLastErrorString = dlsym(library, "cupsLastErrorString");
    *(void **)&real.cupsStartDestDocument = dlsym(library, "cupsStartDestDocument");
    *(void **)&real.cupsWriteRequestData = dlsym(library, "cupsWriteRequestData");
    *(void **)&real.httpClose = dlsym(library, "httpClose");
    *(void **)&real.httpConnect2 = dlsym(library, "httpConnect2");
    *(void **)&real.ippDelete = dlsym(library, "ippDelete");
    *(void **)&real.ippFindAttribute = dlsym(library, "ippFindAttribute");
    *(void **)&real.ippGetCount = dlsym(library, "ippGetCount");
    *(void **)&real.ippGetInteger = dlsym(library, "ippGetInteger");
    *(void **)&real.ippGetString = dlsym(library, "ippGetString");
    *(void **)&real.ippNewRequest = dlsym(library, "ippNewRequest");
    *(void **)&real.ippAddString = dlsym(library, "ippAddString");
    *(void **)&real.ippAddInteger = dlsym(library, "ippAddInteger");
    *(void **)&real.cupsUser = dlsym(library, "cupsUser");
}

static void load(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_library);
}

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN int cupsCancelDestJob(void *http, void *dest, int job_id) {
    load();
    if (real.cupsCancelDestJob == NULL) return SERVICE_UNAVAILABLE;
    return real.cupsCancelDestJob(http, dest, job_id);
}

HIDDEN void * cupsConnectDest(void *dest, unsigned flags, int msec, int *cancel, char *resource, size_t resourcesize, void *cb, void *user_data) {
    load();
    if (real.cupsConnectDest == NULL) return NULL;
    return real.cupsConnectDest(dest, flags, msec, cancel, resource, resourcesize, cb, user_data);
}

HIDDEN void * cupsCopyDestInfo(void *http, void *dest) {
    load();
    if (real.cupsCopyDestInfo == NULL) return NULL;
    return real.cupsCopyDestInfo(http, dest);
}

HIDDEN int cupsCreateDestJob(void *http, void *dest, void *info, int *job_id, const char *title, int num_options, void *options) {
    load();
    if (real.cupsCreateDestJob == NULL) return SERVICE_UNAVAILABLE;
    return real.cupsCreateDestJob(http, dest, info, job_id, title, num_options, options);
}

HIDDEN void * cupsDoRequest(void *http, void *request, const char *resource) {
    load();
    if (real.cupsDoRequest == NULL) return NULL;
    return real.cupsDoRequest(http, request, resource);
}

HIDDEN int cupsFinishDestDocument(void *http, void *dest, void *info) {
    load();
    if (real.cupsFinishDestDocument == NULL) return SERVICE_UNAVAILABLE;
    return real.cupsFinishDestDocument(http, dest, info);
}

HIDDEN void cupsFreeDestInfo(void *dinfo) {
    load();
    if (real.cupsFreeDestInfo != NULL) real.cupsFreeDestInfo(dinfo);
}

HIDDEN void cupsFreeDests(int num_dests, void *dests) {
    load();
    if (real.cupsFreeDests != NULL) real.cupsFreeDests(num_dests, dests);
}

HIDDEN void * cupsGetDestWithURI(const char *name, const char *uri) {
    load();
    if (real.cupsGetDestWithURI == NULL) return NULL;
    return real.cupsGetDestWithURI(name, uri);
}

HIDDEN int cupsGetDests2(void *http, void **dests) {
    load();
    if (real.cupsGetDests2 == NULL) return (*dests = NULL, 0);
    return real.cupsGetDests2(http, dests);
}

HIDDEN void * cupsGetNamedDest(void *http, const char *name, const char *instance) {
    load();
    if (real.cupsGetNamedDest == NULL) return NULL;
    return real.cupsGetNamedDest(http, name, instance);
}

HIDDEN const char * cupsGetOption(const char *name, int num_options, void *options) {
    load();
    if (real.cupsGetOption == NULL) return NULL;
    return real.cupsGetOption(name, num_options, options);
}

HIDDEN int cupsLastError(void) {
    load();
    if (real.cupsLastError == NULL) return SERVICE_UNAVAILABLE;
    return real.cupsLastError();
}

HIDDEN const char * cupsLastErrorString(void) {
    load();
    if (real.cupsLastErrorString == NULL) return missing;
    return real.cupsLastErrorString();
}

HIDDEN int cupsStartDestDocument(void *http, void *dest, void *info, int job_id, const char *docname, const char *format, int num_options, void *options, int last_document) {
    load();
    if (real.cupsStartDestDocument == NULL) return HTTP_ERROR;
    return real.cupsStartDestDocument(http, dest, info, job_id, docname, format, num_options, options, last_document);
}

HIDDEN int cupsWriteRequestData(void *http, const char *buffer, size_t length) {
    load();
    if (real.cupsWriteRequestData == NULL) return HTTP_ERROR;
    return real.cupsWriteRequestData(http, buffer, length);
}

HIDDEN void httpClose(void *http) {
    load();
    if (real.httpClose != NULL) real.httpClose(http);
}

HIDDEN void *httpConnect2(const char *host, int port, void *addrlist, int family, int encryption, int blocking, int msec, int *cancel) {
    load();
    if (real.httpConnect2 == NULL) return NULL;
    return real.httpConnect2(host, port, addrlist, family, encryption, blocking, msec, cancel);
}

HIDDEN void ippDelete(void *ipp) {
    load();
    if (real.ippDelete != NULL) real.ippDelete(ipp);
}

HIDDEN void * ippFindAttribute(void *ipp, const char *name, int type) {
    load();
    if (real.ippFindAttribute == NULL) return NULL;
    return real.ippFindAttribute(ipp, name, type);
}

HIDDEN int ippGetCount(void *attr) {
    load();
    if (real.ippGetCount == NULL) return 0;
    return real.ippGetCount(attr);
}

HIDDEN int ippGetInteger(void *attr, int element) {
    load();
    if (real.ippGetInteger == NULL) return 0;
    return real.ippGetInteger(attr, element);
}

HIDDEN const char * ippGetString(void *attr, int element, const char **language) {
    load();
    if (real.ippGetString == NULL) return NULL;
    return real.ippGetString(attr, element, language);
}

HIDDEN void * ippNewRequest(int op) {
    load();
    if (real.ippNewRequest == NULL) return NULL;
    return real.ippNewRequest(op);
}

HIDDEN void * ippAddString(void *ipp, int group, int value_tag, const char *name, const char *language, const char *value) {
    load();
    if (real.ippAddString == NULL) return NULL;
    return real.ippAddString(ipp, group, value_tag, name, language, value);
}

HIDDEN void * ippAddInteger(void *ipp, int group, int value_tag, const char *name, int value) {
    load();
    if (real.ippAddInteger == NULL) return NULL;
    return real.ippAddInteger(ipp, group, value_tag, name, value);
}

HIDDEN const char * cupsUser(void) {
    load();
    if (real.cupsUser == NULL) return "permanence";
    return real.cupsUser();
}
