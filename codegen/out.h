/* out.h - the output set (codegen/out.c): the generated files, written to
 * the output directory all at once. */
#ifndef EC_OUT_H
#define EC_OUT_H

#include <stdbool.h>
#include "buf.h"

typedef struct ec_outfile {
    char *tmp;                      /* streamed: already on disk under this name */
    char *name;                     /* relative to the output directory */
    char *data;
    size_t len;
} ec_outfile;

typedef struct ec_output {
    EC_VEC(ec_outfile) files;
    /* Optional: the directory the output will go to. When set, large files
     * (the weights of a big model) are streamed to a hidden temporary file in
     * it while they are generated, instead of being held in memory; they are
     * renamed with the others by ec_output_write, and removed if edgec fails
     * before that. */
    const char *dir;
} ec_output;

void ec_output_add(ec_output *o, const char *name, char *data, size_t len);
/* Start streaming file `name` into o->dir (returns false, and does nothing,
 * when o->dir is not set). The buffer's text so far is written first. */
bool ec_output_stream(ec_output *o, const char *name, ec_buf *b);
/* Finish a streamed file: flush b and record it in o (instead of ec_output_add). */
void ec_output_stream_end(ec_output *o, const char *name, ec_buf *b);
/* Write all files into dir (created if needed). Nothing is written unless
 * everything was generated; fails with a diagnostic on I/O errors. */
void ec_output_write(const ec_output *o, const char *dir);

#endif
