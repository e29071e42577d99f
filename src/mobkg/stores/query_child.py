"""Child process of :meth:`EmbeddedStore.stream` with a time limit: run one query, stream its answer.

Run as a script (``python -P query_child.py STORE``, the query on stdin), so that it
imports nothing but pyoxigraph and starts in a fraction of a second. A query that
runs too long is stopped by killing this process: pyoxigraph evaluates in Rust and
neither a signal handler nor a thread can interrupt one long ``next()``.

Output on stdout: one line ``select``, ``ask`` or ``construct``, then the answer as
SPARQL TSV results, ``true``/``false`` or N-Triples, written by pyoxigraph as it is
evaluated. A failure is one JSON line ``{"kind": ..., "message": ...}`` on stderr
and exit status 3.
"""

import json
import sys


def main() -> int:
    import pyoxigraph as ox

    location = sys.argv[1]
    sparql = sys.stdin.buffer.read().decode("utf-8")
    out = sys.stdout.buffer
    try:
        store = ox.Store.read_only(location)
        result = store.query(sparql)
        if isinstance(result, ox.QueryBoolean):
            out.write(b"ask\n" + (b"true" if bool(result) else b"false"))
        elif isinstance(result, ox.QuerySolutions):
            out.write(b"select\n")
            result.serialize(out, ox.QueryResultsFormat.TSV)
        else:
            out.write(b"construct\n")
            result.serialize(out, ox.RdfFormat.N_TRIPLES)
        out.flush()
    except BrokenPipeError:  # the reader stopped early (a capped table, `| head`)
        return 0
    except Exception as error:  # every failure goes to the parent as data, never as a traceback
        message = (str(error).strip().splitlines() or [""])[0][:300]
        sys.stderr.write(json.dumps({"kind": type(error).__name__, "message": message}) + "\n")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
