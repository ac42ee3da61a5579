"""Parses a /metrics answer with Prometheus' own text-format parser (python3-prometheus-client).

Reads the HTTP answer on stdin; prints one line per sample, "name{label=value,...} value" with the
labels sorted, then "TYPE name type" for each family. Exits 1 (the parser's message on stderr) when
the text does not parse.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families

answer = sys.stdin.read()
header, sep, body = answer.partition("\r\n\r\n")
if not sep:
    sys.exit("no HTTP header end in the answer")
if "version=0.0.4" not in header:
    sys.exit("Content-Type is not Prometheus' text format 0.0.4: " + header)
try:
    for family in text_string_to_metric_families(body):
        print("TYPE", family.name, family.type)
        for s in family.samples:
            labels = ",".join(k + "=" + v for k, v in sorted(s.labels.items()))
            print(s.name + "{" + labels + "}", repr(float(s.value)))
except Exception as e:  # the parser raises ValueError and others on malformed text
    sys.exit("does not parse: %r" % (e,))
