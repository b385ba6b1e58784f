/* codegen.h - the code generation layer: targets, the C emitter, the reports.
 *
 *   codegen/target.c       targets/NAME.xml loader (libxml2, validated by targets/target.xsd)
 *   codegen/emit_c.c       NAME.c / NAME.h (emit_weights.c: the constants; emit_runtime.c:
 *                          the runtime-min files copied beside them)
 *   codegen/out.c          the output set, written to disk at the end (out.h)
 *   codegen/report.c       --report / --report-json
 *   codegen/cg_util.c      the target budget check, hex-float literals
 */
#ifndef EC_CODEGEN_H
#define EC_CODEGEN_H

#include "edgec.h"
#include "out.h"

/* ---- targets ----------------------------------------------------------- */
typedef struct ec_target {
    char *name;
    char *description;
    char *isa;                      /* "generic", "armv7e-m", ... */
    /* Kernel folders under runtime-min/ to take each kernel file from, first
     * match wins: isa, then <isa fallback="a b">'s list, then "generic". */
    char **chain;
    int nchain;
    int alignment;                  /* arena/weight alignment in bytes */
    int64_t ram_bytes;              /* 0: unlimited */
    int64_t flash_bytes;            /* 0: unlimited */
    char *cc;                       /* suggested compiler */
    char *cflags;                   /* suggested flags */
} ec_target;

/* NAME (looked up as ROOT/targets/NAME.xml) or a path ending in .xml. */
ec_target *ec_target_load(const char *root, const char *name_or_file);

/* Generate NAME.h, NAME.c, NAME_weights.c and the runtime-min files used. */
void ec_codegen_c(const ec_program *p, const ec_target *t, const ec_options *o, ec_output *out);

/* ---- reports ----------------------------------------------------------- */
void ec_report_print(const ec_program *p, const ec_target *t, const ec_options *o);
/* JSON text of the same report (caller writes it). */
char *ec_report_json(const ec_program *p, const ec_target *t, const ec_options *o);

/* The index of runtime-min/generic (build/gen/ec_rt_index.c, scripts/rt_index.sh): per
 * kernel file, " sym sym " it defines and " sym " (other files') it calls. */
typedef struct ec_rt_file {
    const char *file, *defines, *needs;
} ec_rt_file;
extern const ec_rt_file ec_rt_files[];   /* ended by file == NULL */

/* ---- helpers (codegen/cg_util.c) --------------------------------------- */
/* Fails with the figures when the model does not fit the target's RAM or flash. */
void ec_cg_check_budget(const ec_program *p, const ec_target *t, bool weights_in_flash);

/* A finite double as C99 hex-float text, exactly as glibc's "%a" prints it
 * (no terminating NUL); returns the length (at most 24). */
size_t ec_cg_hexfloat(char *out, double f);

#endif
