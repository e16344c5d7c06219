/*
 * AI_IDN and AI_CANONIDN: internationalised names, converted by libidn2 the way the C library
 * does it (glibc loads libidn2 at run time too, so the conversion and its errors are the same).
 * libidn2 is loaded with dlopen() on first use; without it, AI_IDN on a non-ASCII name is
 * EAI_IDN_ENCODE and AI_CANONIDN leaves names as they are, as in glibc.
 */
#ifndef GX_IDN_H
#define GX_IDN_H

#include <stdbool.h>
#include <stddef.h>

/* True when the name has a byte >= 0x80. */
bool gx_idn_needs_encoding(const char *name, size_t len);

/*
 * A name in the locale's encoding -> its ASCII (punycode) form, malloc'd in *out. GX_OK,
 * GX_E_IDN_ENCODE (not a valid name, contains a backslash, or no libidn2), GX_E_MEMORY.
 */
int gx_idn_to_ascii(const char *name, char **out);

/*
 * An ASCII name -> its Unicode form (UTF-8), malloc'd in *out. GX_E_IDN_ENCODE when the name
 * cannot be decoded (the caller then keeps the ASCII form, as glibc does), GX_E_MEMORY.
 */
int gx_idn_to_unicode(const char *name, char **out);

#endif
