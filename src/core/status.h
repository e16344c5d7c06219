/*
 * Internal status codes. Internal functions return a count >= 0 or one of these negative values,
 * and callers pass negatives up unchanged. The mapping to the public EAI_* values lives in one
 * table, in status.c, and nowhere else.
 */
#ifndef GX_STATUS_H
#define GX_STATUS_H

enum gx_status {
    GX_OK = 0,
    GX_E_NONAME = -1,      /* the name or service is not known */
    GX_E_NODATA = -2,      /* the name is known but has no address of the asked family */
    GX_E_AGAIN = -3,       /* temporary failure: try again later */
    GX_E_FAIL = -4,        /* non-recoverable failure */
    GX_E_FAMILY = -5,      /* ai_family not supported */
    GX_E_SOCKTYPE = -6,    /* ai_socktype not supported, or not with this ai_protocol */
    GX_E_SERVICE = -7,     /* the service is not available for this socket type */
    GX_E_BADFLAGS = -8,    /* ai_flags (or NI_* flags) invalid */
    GX_E_MEMORY = -9,      /* an allocation failed */
    GX_E_SYSTEM = -10,     /* a system call failed; errno says why */
    GX_E_ADDRFAMILY = -11, /* the numeric host is not of the asked family */
    GX_E_OVERFLOW = -12,   /* a caller's buffer is too small */
    GX_E_IDN_ENCODE = -13, /* the name cannot be converted to IDNA */
    GX_E_MALFORMED = -14,  /* parser: the input is not of the expected form */
    GX_E_LIMIT = -15,      /* a named limit (see limits.h) was reached */
    GX_E_NOTFOUND = -16,   /* a lookup found nothing: a missing file, an absent key */
};
#define GX_STATUS_COUNT 17

/* The public EAI_* value for a status; 0 for GX_OK. */
int gx_status_to_eai(int status);

/* "GX_E_NONAME" and so on, for traces and test messages. */
const char *gx_status_name(int status);

#endif
