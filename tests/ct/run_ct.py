#!/usr/bin/env python3
"""tests/ct/run_ct.py - the constant-time (secret-taint) check, for ctest.

Runs ct_control and ct_hmac under valgrind's memcheck with XML output and
judges every report:

1. The negative control must be flagged: a memcmp and an early-exit loop
   over secret bytes ("Conditional jump or move depends on uninitialised
   value(s)") and a secret-indexed table lookup ("Use of uninitialised
   value"). If valgrind did not see those, a clean ct_hmac proves nothing.
2. ct_hmac must exit 0 (every verdict right) and valgrind may report
   nothing, except a conditional jump on the verdict itself at a declared
   verdict site: the line of lib/ that turns CRYPTO_memcmp's result into a
   return value, inside the function named below. The verdict is public
   (the caller learns it anyway); optimising compilers make it branch-free,
   unoptimised builds branch on it. Any other report - inside
   CRYPTO_memcmp, inside HMAC, a memcmp, a loop, a table index - fails.

usage: run_ct.py VALGRIND SOURCE_DIR CT_HMAC CT_CONTROL
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# (file under the source tree, function): lines containing this text in
# that function are verdict sites.
VERDICT_SITES = [
    ("lib/ossl/verify.c", "verify_hmac", "CRYPTO_memcmp("),
    ("lib/ossl/wipe.c", "jgi_ct_equal", "CRYPTO_memcmp("),
]


def function_lines(path, fn, needle):
    """Line numbers (1-based) of `needle` inside C function `fn`: from the
    line that starts the definition to the next line that is a lone '}'."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError:
        return set()
    out, inside = set(), False
    for i, line in enumerate(lines, 1):
        if not inside and line.startswith(("static", "jg_err", "int")) and \
                (" " + fn + "(") in line:
            inside = True
        elif inside and line == "}":
            inside = False
        elif inside and needle in line:
            out.add(i)
    return out


def run_valgrind(valgrind, exe):
    with tempfile.TemporaryDirectory() as tmp:
        xml_path = os.path.join(tmp, "vg.xml")
        cmd = [valgrind, "--tool=memcheck", "--error-exitcode=99",
               "--leak-check=no", "--track-origins=yes", "--xml=yes",
               "--xml-file=" + xml_path, exe]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=600)
        errors = []
        try:
            root = ET.parse(xml_path).getroot()
        except (OSError, ET.ParseError) as e:
            print(f"ct: cannot read valgrind's XML for {exe}: {e}")
            print(p.stderr)
            sys.exit(1)
        for err in root.findall("error"):
            frames = []
            stack = err.find("stack")
            for fr in (stack.findall("frame") if stack is not None else []):
                frames.append({
                    "fn": (fr.findtext("fn") or "?"),
                    "file": (fr.findtext("file") or ""),
                    "dir": (fr.findtext("dir") or ""),
                    "line": int(fr.findtext("line") or 0),
                    "obj": (fr.findtext("obj") or ""),
                })
            errors.append({"kind": err.findtext("kind") or "?",
                           "what": err.findtext("what") or "",
                           "frames": frames})
        return p.returncode, p.stdout, p.stderr, errors


def show(e):
    lines = [f"  {e['kind']}: {e['what']}"]
    for f in e["frames"][:6]:
        where = f"{f['file']}:{f['line']}" if f["file"] else f["obj"]
        lines.append(f"      {f['fn']} ({where})")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    valgrind, src, ct_hmac, ct_control = sys.argv[1:]
    if not os.access(valgrind, os.X_OK):
        print(f"ct: FAIL: valgrind not found ({valgrind}); scripts/deps.sh "
              "installs it")
        return 1

    # 1. negative control
    rc, out, err, errors = run_valgrind(valgrind, ct_control)
    kinds = {}
    for e in errors:
        top = e["frames"][0]["fn"] if e["frames"] else "?"
        kinds.setdefault(e["kind"], set()).add(top)
    cond = kinds.get("UninitCondition", set())
    idx = kinds.get("UninitValue", set())
    want = {
        "memcmp over secret bytes": any("cmp" in f for f in cond),
        "early-exit loop": "leaky_loop" in cond,
        "secret-indexed lookup": "leaky_index" in idx,
    }
    print(f"ct: control: valgrind exit {rc}, {len(errors)} reports")
    for what, seen in want.items():
        print(f"ct: control: {what}: {'flagged' if seen else 'NOT FLAGGED'}")
    if rc != 99 or not all(want.values()):
        print("ct: FAIL: the negative control was not flagged as expected: "
              "this valgrind cannot see secret-dependent code")
        for e in errors:
            print(show(e))
        return 1

    # 2. the library
    sites = {}
    for rel, fn, needle in VERDICT_SITES:
        lines = function_lines(os.path.join(src, rel), fn, needle)
        if not lines:
            print(f"ct: note: verdict site {fn} in {rel} not found; no "
                  "report is excused there")
        sites[(os.path.basename(rel), fn)] = lines
    rc, out, err, errors = run_valgrind(valgrind, ct_hmac)
    sys.stdout.write(out)
    bad, excused = [], []
    for e in errors:
        f = e["frames"][0] if e["frames"] else {"fn": "?", "file": "",
                                                "line": 0}
        lines = sites.get((f["file"], f["fn"]), set())
        if e["kind"] == "UninitCondition" and f["line"] in lines:
            excused.append(e)
        else:
            bad.append(e)
    for e in excused:
        f = e["frames"][0]
        print(f"ct: verdict branch at {f['file']}:{f['line']} ({f['fn']}): "
              "public by design")
    print(f"ct: ct_hmac: valgrind exit {rc}, {len(errors)} reports, "
          f"{len(excused)} at verdict sites, {len(bad)} secret-dependent")
    if bad:
        print("ct: FAIL: secret-dependent branch or index:")
        for e in bad:
            print(show(e))
        sys.stderr.write(err)
        return 1
    # With excused reports valgrind's exit code replaces the program's, so
    # the program's own last line says whether every verdict was right.
    if rc not in (0, 99) or "ct_hmac: all results as expected" not in out:
        print(f"ct: FAIL: ct_hmac exited {rc} (wrong verdicts?)")
        sys.stderr.write(err)
        return 1
    if rc == 99 and not excused:
        print("ct: FAIL: valgrind reported an error it did not describe")
        sys.stderr.write(err)
        return 1
    print("ct: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
