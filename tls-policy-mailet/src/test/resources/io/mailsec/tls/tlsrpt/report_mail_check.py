# Reads a report mail from stdin with Python's own email package (an independent MIME parser) and
# prints what it found as JSON: the headers the report needs, the parts, the gunzipped report, defects.
# Written for mailsec's ReportMessageTest.
import email
import email.policy
import gzip
import json
import sys

raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
out = {
    "content_type": msg.get_content_type(),
    "report_type": msg.get_param("report-type"),
    "subject": str(msg["Subject"]),
    "tls_report_domain": str(msg["TLS-Report-Domain"]),
    "tls_report_submitter": str(msg["TLS-Report-Submitter"]),
    "tls_required": str(msg["TLS-Required"]),
    "date": msg["Date"].datetime.isoformat() if msg["Date"] is not None else None,
    "message_id": str(msg["Message-ID"]),
    "defects": [type(d).__name__ for d in msg.defects],
    "parts": [],
}
for part in msg.iter_parts():
    p = {
        "content_type": part.get_content_type(),
        "filename": part.get_filename(),
        "disposition": part.get_content_disposition(),
        "defects": [type(d).__name__ for d in part.defects],
    }
    payload = part.get_payload(decode=True)
    if part.get_content_type() == "application/tlsrpt+gzip":
        p["report"] = json.loads(gzip.decompress(payload))
    else:
        p["text"] = payload.decode("us-ascii")
    out["parts"].append(p)
print(json.dumps(out))
