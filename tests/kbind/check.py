#!/usr/bin/env python3
"""check.py - the kernel bindings agree with the runtime-min prototypes.

Every kernel row of ir/ops/*.c reads

    { "ec_conv_f32", "ppppiiiiiI", thunk_conv_f32, "ec_nn.h" },

the signature string giving the kind of each argument in order, as the lowering
passes them (ir/ir.h ec_argkind -> ec_karg member):

    p  pointer: OUT IN SCRATCH EXTENT POOL     (ec_karg .p,  any pointer type)
    i  int32_t: INT ITER                       (ec_karg .i)
    f  float:   FLOAT                          (ec_karg .f)
    I  const int32_t[]: INTS                   (ec_karg .ip)
    F  const float[]:   FLOATS                 (ec_karg .fp)
    S  const char *const[]: STRS               (ec_karg .sp)

This script runs the C preprocessor over runtime-min/include/*.h, ir/ops/*.c and
runtime-min/generic/*.c (so the macro-made prototypes, thunks and rows are seen
expanded) and checks, for every row:

  * the row's header declares the kernel, with one parameter per signature
    letter, each of a C type the letter allows (p: a pointer; i: int32_t;
    f: float; I: const int32_t *; F: const float *; S: const char *const *);
  * the row's thunk calls that kernel with a[0] .. a[n-1] in order, n the
    signature's length, reading the union member of each letter;
  * exactly one file of runtime-min/generic defines the kernel.

The emitted calls are checked against the same string when lowering
(ec_kernel_check_call in ir/ops.c). Exit status 1 with one line per problem.

  tests/kbind/check.py [--cc CC] [--root DIR]
"""
import argparse
import glob
import os
import re
import subprocess
import sys

MEMBER = {"p": "p", "i": "i", "f": "f", "I": "ip", "F": "fp", "S": "sp"}


def cpp(cc, root, path, extra=()):
    cmd = [cc, "-E", "-P", "-std=c11", "-D_POSIX_C_SOURCE=200809L",
           "-I", os.path.join(root, "ir"), "-I", os.path.join(root, "compiler"),
           "-I", os.path.join(root, "runtime-min", "include")] + list(extra) + [path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        sys.exit("kbind: preprocessing %s failed:\n%s" % (path, r.stderr))
    # adjacent string literals ("ec_" "unary" "_" "f32") as one
    return re.sub(r'"\s+"', "", r.stdout)


def split_params(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def param_type(p):
    """'const float *restrict x' -> 'const float *' ; 'int32_t n' -> 'int32_t'."""
    p = re.sub(r"\brestrict\b|\b__restrict\b", "", p)
    p = re.sub(r"\[[^\]]*\]", "*", p)           # T x[] -> T *x
    p = re.sub(r"\s+", " ", p).strip()
    m = re.match(r"^(.*?)(\w+)$", p)
    if m and (m.group(1).strip() and not m.group(1).strip().endswith(",")):
        p = m.group(1)
    p = re.sub(r"\s*\*\s*", " * ", p)
    return re.sub(r"\s+", " ", p).strip()


def allowed(letter, ctype):
    ptr = "*" in ctype
    if letter == "p":
        return ptr
    if letter == "i":
        return ctype in ("int32_t", "const int32_t")
    if letter == "f":
        return ctype in ("float", "const float")
    if letter == "I":
        return ctype == "const int32_t *"
    if letter == "F":
        return ctype == "const float *"
    if letter == "S":
        return ctype == "const char * const *"
    return False


def prototypes(text):
    protos = {}
    for m in re.finditer(r"\b(?:void|int32_t|float)\s+(ec_\w+)\s*\(([^;{)]*(?:\([^)]*\)[^;{)]*)*)\)\s*;", text):
        params = split_params(m.group(2))
        if params == ["void"]:
            params = []
        protos[m.group(1)] = [param_type(p) for p in params]
    return protos


ROW = re.compile(r'\{\s*"(ec_\w+)"\s*,\s*"([piIfFS]*)"\s*,\s*(\w+)\s*,\s*"([^"]*)"\s*\}')
OLDROW = re.compile(r'\{\s*"(ec_\w+)"\s*,\s*(\w+)\s*,\s*"([^"]*)"\s*\}')
THUNK = re.compile(r"static\s+void\s+(\w+)\s*\(\s*const\s+ec_karg\s*\*\s*a\s*\)\s*"
                   r"\{\s*(ec_\w+)\s*\(([^;]*)\)\s*;\s*\}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--print-sigs", action="store_true",
                    help="print each kernel's signature as the prototypes give it")
    args = ap.parse_args()
    root = args.root
    errs = []

    hdr_protos = {}
    for h in sorted(glob.glob(os.path.join(root, "runtime-min", "include", "*.h"))):
        hdr_protos[os.path.basename(h)] = prototypes(cpp(args.cc, root, h))

    defined = {}
    gen_dir = os.path.join(root, "runtime-min", "generic")
    for c in sorted(glob.glob(os.path.join(gen_dir, "*.c"))):
        text = cpp(args.cc, root, c, ["-I", gen_dir])
        defined[os.path.basename(c)] = set(
            re.findall(r"\b(ec_\w+)\s*\([^;{]*\)\s*\{", text))

    rows = 0
    for src in sorted(glob.glob(os.path.join(root, "ir", "ops", "*.c"))):
        text = cpp(args.cc, root, src)
        thunks = {m.group(1): (m.group(2), m.group(3)) for m in THUNK.finditer(text)}
        where = os.path.relpath(src, root)
        if args.print_sigs:
            for m in OLDROW.finditer(text):
                name, hdr = m.group(1), m.group(3)
                ps = hdr_protos.get(hdr, {}).get(name)
                sig = ""
                for t in ps or []:
                    sig += {"const int32_t *": "I", "const float *": "F",
                            "const char * const *": "S", "int32_t": "i", "float": "f"}.get(
                                t, "p" if "*" in t else "?")
                print(name, sig if ps is not None else "MISSING")
            continue
        for m in ROW.finditer(text):
            rows += 1
            name, sig, thunk, hdr = m.groups()
            tag = "%s: kernel %s" % (where, name)
            protos = hdr_protos.get(hdr)
            if protos is None:
                errs.append("%s: header %s is not in runtime-min/include" % (tag, hdr))
            elif name not in protos:
                errs.append("%s: no prototype in %s" % (tag, hdr))
            else:
                ps = protos[name]
                if len(ps) != len(sig):
                    errs.append("%s: signature \"%s\" has %d arguments, the prototype in %s %d (%s)"
                                % (tag, sig, len(sig), hdr, len(ps), ", ".join(ps)))
                else:
                    for k, (letter, t) in enumerate(zip(sig, ps)):
                        if not allowed(letter, t):
                            errs.append("%s: argument %d is '%s' in %s, the signature \"%s\" says '%s'"
                                        % (tag, k, t, hdr, sig, letter))
            if thunk not in thunks:
                errs.append("%s: thunk %s not found (a thunk is one call of the kernel)" % (tag, thunk))
            else:
                callee, body = thunks[thunk]
                if callee != name:
                    errs.append("%s: thunk %s calls %s" % (tag, thunk, callee))
                got = [a.strip() for a in split_params(body)]
                want = ["a[%d].%s" % (k, MEMBER[l]) for k, l in enumerate(sig)]
                if [re.sub(r"\s+", "", g) for g in got] != want:
                    errs.append("%s: thunk %s passes (%s), the signature \"%s\" wants (%s)"
                                % (tag, thunk, ", ".join(got), sig, ", ".join(want)))
            where_def = [c for c in defined if name in defined[c]]
            if len(where_def) != 1:
                errs.append("%s: defined in %d files of runtime-min/generic (%s), not one"
                            % (tag, len(where_def), " ".join(where_def)))
        if not args.print_sigs:
            for m in OLDROW.finditer(text):
                errs.append("%s: kernel %s: row without a signature string" % (where, m.group(1)))
    if args.print_sigs:
        return 0
    for e in errs:
        print("kbind: " + e)
    if errs:
        print("kbind: %d problem(s) in %d kernel rows" % (len(errs), rows))
        return 1
    if rows < 50:
        print("kbind: only %d kernel rows found; the row pattern no longer matches ir/ops/*.c" % rows)
        return 1
    print("kbind: %d kernel rows agree with runtime-min/include prototypes, thunks and sources" % rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
