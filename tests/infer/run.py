#!/usr/bin/python3
"""tests/infer/run.py - shape and type inference tests written in the ONNX text syntax.

Every tests/infer/NAME.onnxtxt carries its expectations as comments, worked out
by hand from the ONNX operator specs (not copied from edgec's output):

    # expect: float[2,3,4] y        value y has this type and shape after inference
    # expect-const: int64[2] c = {2, -1}
                                     after folding and dead-node elimination, c is a
                                     constant with exactly this text
    # expect-error: substring        edgec must fail (exit 1, one line) with this text
    # expect-shape-inputs: a b       edgec --list-shape-inputs prints exactly these
                                     names, one a line ("-" for none); with
    # shape-bind: a=FILE.pb          (paths relative to tests/infer) given as --bind

usage: run.py EDGEC        prints one line per file, then "N passed, M failed"
"""
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VI = re.compile(r'\b(float|double|float16|bfloat16|bool|string|u?int(?:8|16|32|64))(\[[^\]]*\])? '
                r'("[^"]*"|[A-Za-z_][\w.]*)')


def emit(edgec, path, after):
    return subprocess.run([edgec, path, '--emit-ir', '--after', after],
                          capture_output=True, text=True, timeout=60)


def value_types(text):
    """name -> 'dtype[dims]' from the graph signature and its value-info list
    (everything before the node body, which opens with a lone '{')."""
    head = text.split('\n{\n')[0]
    return {m.group(3).strip('"'): m.group(1) + (m.group(2) or '') for m in VI.finditer(head)}


def check(edgec, path):
    src = open(path).read()
    expects = re.findall(r'^# expect: (\S+) (\S+)\s*$', src, re.M)
    consts = re.findall(r'^# expect-const: (.+?)\s*$', src, re.M)
    errors = re.findall(r'^# expect-error: (.+?)\s*$', src, re.M)
    shape_inputs = re.findall(r'^# expect-shape-inputs: (.+?)\s*$', src, re.M)
    if not (expects or consts or errors or shape_inputs):
        return 'no expectations in the file'
    if shape_inputs:
        cmd = [edgec, path, '--list-shape-inputs']
        for b in re.findall(r'^# shape-bind: (\S+)=(\S+)\s*$', src, re.M):
            cmd += ['--bind', '%s=%s' % (b[0], os.path.join(HERE, b[1]))]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        want = [] if shape_inputs[0] == '-' else shape_inputs[0].split()
        if p.returncode != 0 or p.stderr:
            return '--list-shape-inputs: exit %d, stderr %r' % (p.returncode, p.stderr)
        if p.stdout.split() != want:
            return '--list-shape-inputs: expected %r, got %r' % (want, p.stdout.split())
        if not (expects or consts or errors):
            return None
    if errors:
        p = emit(edgec, path, 'infer')
        lines = p.stderr.strip().splitlines()
        if p.returncode != 1:
            return 'expected exit status 1, got %d' % p.returncode
        if len(lines) != 1 or not all(e in lines[0] for e in errors):
            return 'expected one line containing %r, got %r' % (errors, p.stderr)
        return None
    p = emit(edgec, path, 'infer')
    if p.returncode != 0:
        return 'edgec failed: ' + p.stderr.strip()
    types = value_types(p.stdout)
    for want, name in expects:
        got = types.get(name)
        if got != want:
            return '%s: expected %s, inferred %s' % (name, want, got)
    if consts:
        p = emit(edgec, path, 'dce')
        if p.returncode != 0:
            return 'edgec failed after dce: ' + p.stderr.strip()
        have = [l.strip().rstrip(',') for l in p.stdout.splitlines()]
        for c in consts:
            if c not in have:
                return 'constant %r not found after folding' % c
    return None


def main():
    edgec = sys.argv[1] if len(sys.argv) > 1 else 'build/edgec'
    passed = failed = 0
    for path in sorted(glob.glob(os.path.join(HERE, '*.onnxtxt'))):
        why = check(edgec, path)
        name = os.path.basename(path)
        if why:
            failed += 1
            print('FAIL %s: %s' % (name, why))
        else:
            passed += 1
            print('ok   %s' % name)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
