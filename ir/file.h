/* file.h - opening input files without blocking on what is not a regular file. */
#ifndef EC_FILE_H
#define EC_FILE_H
#include <stdio.h>

/* Open path for reading. A FIFO, device or socket would block fopen() or never end, so the
 * file is opened non-blocking and checked with fstat() first. Returns the stream, or NULL
 * with *why set to a message: strerror(errno), "is a directory, not a file" or
 * "not a regular file". */
FILE *ec_fopen_regular(const char *path, const char **why);
/* Is why (from ec_fopen_regular) about the kind of file (a directory, a FIFO, ...) rather
 * than an error of open(2)? Callers word the two differently. */
int ec_why_is_file_kind(const char *why);

/* Every path ec_fopen_regular opened (once each, in first-opened order): the model, its
 * external-data files, the target XML, --bind and --calib files; the depfile lists them. */
int ec_input_file_count(void);
const char *ec_input_file(int i);

#endif
