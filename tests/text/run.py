#!/usr/bin/python3
"""tests/text/run.py - the ONNX text syntax in and out (make check-text).

1. Round trip over every conformance model edgec reads
   (/usr/share/libonnx-testdata/data/*/test_*/model.onnx):
   print (edgec M --emit-ir --after read) -> parse the text -> print again
   gives identical text; the same after the whole pipeline (--after dce)
   for the models that get that far.
2. onnx.parser.parse_model (python3-onnx 1.12) reads each printed text, and
   the graph it builds has the same nodes, attributes and initializer values
   as the original model (names compared through a bijection, since names
   that are not identifiers are printed as identifiers). A text that needs
   syntax newer than 1.12 (inf/nan, float16 data, empty lists, omitted
   first inputs) is counted apart; one that 1.12 rejects for any other
   reason is a failure.
3. Every tests/text/errors/NAME.onnxtxt fails with exit status 1, prints
   exactly NAME.expected on stderr and writes nothing.

usage: run.py --edgec build/edgec [--edgec-errors build/asan/edgec] [--filter RE] [-v]
"""
import argparse
import concurrent.futures
import glob
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = '/usr/share/libonnx-testdata/data'


def run(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, b'', b'timeout'


# ---- comparison of the 1.12 parse with the original ---------------------------------

class Diff(Exception):
    pass


def later_syntax(text):
    """Why a printed text needs syntax newer than ONNX 1.12, or None."""
    if re.search(r'(?<![A-Za-z0-9_])-?(inf|nan)(?![A-Za-z0-9_])', text):
        return 'inf/nan'
    if re.search(r'\b(float16|bfloat16|complex64|complex128)\[[^\]]*\] \w+ = \{|\b(float16|bfloat16|complex64|complex128)(\[[^\]]*\])? \{', text):
        return 'float16/bfloat16/complex data'
    if re.search(r': \w+ = \[\]', text):
        return 'empty list attribute'
    if re.search(r'\(\s*(,|"")', text) or re.search(r'^\s*,', text, re.M):
        return 'omitted first input/output'
    if '\\' in text:
        return 'escaped string'
    if re.search(r'\b(seq|optional)\(', text):
        return 'sequence/optional type'
    return None


class Names:
    """A bijection original name -> printed name."""

    def __init__(self):
        self.fwd, self.bwd = {}, {}

    def bind(self, a, b, where):
        if (a == '') != (b == ''):
            raise Diff('%s: name %r printed as %r' % (where, a, b))
        if a == '':
            return
        if self.fwd.setdefault(a, b) != b or self.bwd.setdefault(b, a) != a:
            raise Diff('%s: name %r printed as %r, elsewhere as %r' % (where, a, b, self.fwd[a]))


def arrays_equal(x, y):
    import numpy as np
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind in 'fc':
        xv, yv = x.view(np.uint8 if x.itemsize == 1 else 'u%d' % min(x.itemsize, 8)), None
        return bool(np.all((x == y) | (np.isnan(x) & np.isnan(y))))
    return bool(np.array_equal(x, y))


def tensor_array(t):
    from onnx import numpy_helper
    return numpy_helper.to_array(t)


def same_float(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def cmp_attr(o, p, names, where):
    import onnx
    A = onnx.AttributeProto
    if o.type != p.type:
        raise Diff('%s: attribute %s has type %d, printed %d' % (where, o.name, o.type, p.type))
    if o.type == A.INT and o.i != p.i or o.type == A.INTS and list(o.ints) != list(p.ints):
        raise Diff('%s: attribute %s differs' % (where, o.name))
    if o.type == A.FLOAT and not same_float(o.f, p.f):
        raise Diff('%s: attribute %s: %r vs %r' % (where, o.name, o.f, p.f))
    if o.type == A.FLOATS and (len(o.floats) != len(p.floats) or
                               not all(same_float(a, b) for a, b in zip(o.floats, p.floats))):
        raise Diff('%s: attribute %s differs' % (where, o.name))
    if o.type == A.STRING and o.s != p.s or o.type == A.STRINGS and list(o.strings) != list(p.strings):
        raise Diff('%s: attribute %s differs' % (where, o.name))
    if o.type == A.TENSOR and not arrays_equal(tensor_array(o.t), tensor_array(p.t)):
        raise Diff('%s: attribute %s: tensor values differ' % (where, o.name))
    if o.type == A.GRAPH:
        cmp_graph(o.g, p.g, names, where + '/' + o.name)


def cmp_graph(o, p, names, where):
    inits = {t.name for t in o.initializer} | {s.values.name for s in o.sparse_initializer}
    oin = [v for v in o.input if v.name not in inits]
    if len(oin) != len(p.input):
        raise Diff('%s: %d inputs, printed %d' % (where, len(oin), len(p.input)))
    for a, b in zip(oin, p.input):
        names.bind(a.name, b.name, where + ' input')
        ta, tb = a.type.tensor_type.elem_type, b.type.tensor_type.elem_type
        if ta and tb and ta != tb:
            raise Diff('%s: input %s elem type %d, printed %d' % (where, a.name, ta, tb))
    if len(o.initializer) + len(o.sparse_initializer) != len(p.initializer):
        raise Diff('%s: %d initializers, printed %d' % (where, len(o.initializer), len(p.initializer)))
    for a, b in zip(o.initializer, p.initializer):
        names.bind(a.name, b.name, where + ' initializer')
        if not arrays_equal(tensor_array(a), tensor_array(b)):
            raise Diff('%s: initializer %s values differ' % (where, a.name))
    if len(o.node) != len(p.node):
        raise Diff('%s: %d nodes, printed %d' % (where, len(o.node), len(p.node)))
    for i, (a, b) in enumerate(zip(o.node, p.node)):
        w = '%s node %d (%s)' % (where, i, a.op_type)
        da = '' if a.domain == 'ai.onnx' else a.domain
        if (a.op_type, da) != (b.op_type, b.domain):
            raise Diff('%s: printed as %s.%s' % (w, b.domain, b.op_type))
        if len(a.input) != len(b.input) or len(a.output) != len(b.output):
            raise Diff('%s: inputs/outputs %d/%d printed %d/%d' % (w, len(a.input), len(a.output),
                                                                   len(b.input), len(b.output)))
        for x, y in zip(list(a.output) + list(a.input), list(b.output) + list(b.input)):
            names.bind(x, y, w)
        pa = {t.name: t for t in b.attribute}
        if sorted(t.name for t in a.attribute) != sorted(pa):
            raise Diff('%s: attributes %s, printed %s' % (w, sorted(t.name for t in a.attribute), sorted(pa)))
        for t in a.attribute:
            cmp_attr(t, pa[t.name], names, w)
    if len(o.output) != len(p.output):
        raise Diff('%s: %d outputs, printed %d' % (where, len(o.output), len(p.output)))
    for a, b in zip(o.output, p.output):
        names.bind(a.name, b.name, where + ' output')


# ---- one model -------------------------------------------------------------------------------

def check_model(edgec, path, tmp):
    """Returns a dict of results for one model."""
    r = {'model': path}
    rc, a, err = run([edgec, path, '--emit-ir', '--after', 'read'])
    if rc != 0:
        r['read'] = False
        return r
    r['read'] = True
    base = os.path.join(tmp, path.replace('/', '_'))
    with open(base + '.read.onnxtxt', 'wb') as f:
        f.write(a)
    rc, b, err = run([edgec, base + '.read.onnxtxt', '--emit-ir', '--after', 'read'])
    r['rt_read'] = rc == 0 and a == b
    if not r['rt_read']:
        r['rt_read_err'] = err.decode(errors='replace').strip() or 'text differs'
    rc, c, _ = run([edgec, path, '--emit-ir'])
    if rc == 0:
        with open(base + '.dce.onnxtxt', 'wb') as f:
            f.write(c)
        rc, d, err = run([edgec, base + '.dce.onnxtxt', '--emit-ir'])
        r['rt_dce'] = rc == 0 and c == d
        if not r['rt_dce']:
            r['rt_dce_err'] = err.decode(errors='replace').strip() or 'text differs'
    r['text'] = a.decode('utf-8', errors='surrogateescape')
    return r


def python_check(r):
    import onnx
    import onnx.parser
    text = r['text']
    try:
        p = onnx.parser.parse_model(text)
    except Exception as e:  # ParseError, or a C++ exception from 1.12's std::stof/stoll
        why = later_syntax(text)
        if why:
            return 'later', why
        return 'rejected', str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    o = onnx.load(r['model'])
    try:
        cmp_graph(o.graph, p.graph, Names(), 'graph')
    except Diff as e:
        return 'differs', str(e)
    return 'same', None


# ---- error texts -----------------------------------------------------------------------------

def check_errors(edgec, verbose):
    bad = 0
    files = sorted(glob.glob(os.path.join(HERE, 'errors', '*.onnxtxt')))
    for path in files:
        exp_path = path[:-len('.onnxtxt')] + '.expected'
        with open(exp_path, 'rb') as f:
            expected = f.read()
        outdir = tempfile.mkdtemp(prefix='edgec-text-err-')
        os.rmdir(outdir)
        rel = os.path.relpath(path)
        rc, out, err = run([edgec, rel, '-o', outdir])
        # messages name the file as given: make them relative to the repository root
        problems = []
        if rc != 1:
            problems.append('exit status %d, expected 1' % rc)
        if err != expected:
            problems.append('stderr differs:\n--- expected\n%s--- got\n%s' % (
                expected.decode(errors='replace'), err.decode(errors='replace')))
        if os.path.exists(outdir):
            problems.append('wrote %s' % outdir)
            shutil.rmtree(outdir, ignore_errors=True)
        if problems:
            bad += 1
            print('FAIL errors/%s: %s' % (os.path.basename(path), '; '.join(problems)))
        elif verbose:
            print('ok   errors/%s' % os.path.basename(path))
    print('error texts: %d, %d as expected' % (len(files), len(files) - bad))
    return bad == 0 and len(files) > 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgec', required=True)
    ap.add_argument('--edgec-errors', help='edgec for the error texts (e.g. the ASan build)')
    ap.add_argument('--filter', default='')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    edgec = os.path.abspath(args.edgec)
    os.chdir(os.path.join(HERE, '..', '..'))

    ok = check_errors(os.path.abspath(args.edgec_errors or edgec), args.verbose)

    models = sorted(glob.glob(os.path.join(DATA, '*', 'test_*', 'model.onnx')))
    models = [m for m in models if re.search(args.filter, m)]
    tmp = tempfile.mkdtemp(prefix='edgec-text-')
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            results = list(ex.map(lambda m: check_model(edgec, m, tmp), models))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    read = [r for r in results if r['read']]
    rt_read_bad = [r for r in read if not r['rt_read']]
    dce = [r for r in read if 'rt_dce' in r]
    rt_dce_bad = [r for r in dce if not r['rt_dce']]
    for r in rt_read_bad:
        print('FAIL round trip (read) %s: %s' % (r['model'], r['rt_read_err'].splitlines()[0]))
    for r in rt_dce_bad:
        print('FAIL round trip (dce) %s: %s' % (r['model'], r['rt_dce_err'].splitlines()[0]))

    py = {'same': 0, 'later': 0, 'rejected': 0, 'differs': 0}
    later = {}
    for r in read:
        status, why = python_check(r)
        py[status] += 1
        if status == 'later':
            later[why] = later.get(why, 0) + 1
        if status in ('rejected', 'differs'):
            print('FAIL onnx.parser %s: %s %s' % (r['model'], status, why))
        elif args.verbose and status == 'later':
            print('note %s: needs later syntax (%s)' % (r['model'], why))

    print('models: %d, read by edgec: %d' % (len(results), len(read)))
    print('round trip print -> parse -> print after read: %d identical of %d' %
          (len(read) - len(rt_read_bad), len(read)))
    print('round trip print -> parse -> print after dce:  %d identical of %d' %
          (len(dce) - len(rt_dce_bad), len(dce)))
    print('onnx.parser (1.12) on the printed text: %d same nodes/attributes/initializers, '
          '%d need later syntax (%s), %d rejected, %d differ' %
          (py['same'], py['later'], ', '.join('%s: %d' % kv for kv in sorted(later.items())) or '-',
           py['rejected'], py['differs']))
    ok = ok and not rt_read_bad and not rt_dce_bad and not py['rejected'] and not py['differs'] and read
    print('check-text: %s' % ('ok' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
