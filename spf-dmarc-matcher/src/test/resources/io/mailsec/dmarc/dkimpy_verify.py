# Verifies every DKIM-Signature of a message with dkimpy (a real, independent DKIM implementation)
# using keys from a JSON map {"selector._domainkey.domain.": "v=DKIM1; ..."}; prints one line per
# signature: "domain selector result".
import json, re, sys
import dkim

msg = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
keys = json.load(open(sys.argv[2]))

def dnsfunc(name, timeout=5):
    n = name.decode() if isinstance(name, bytes) else name
    v = keys.get(n) or keys.get(n.rstrip('.')) or keys.get(n.rstrip('.') + '.')
    return v.encode() if v else None

d = dkim.DKIM(msg)
headers = [h for h in d.headers if h[0].lower() == b'dkim-signature']
for i, (name, value) in enumerate(headers):
    tags = dict((k.strip(), v.strip()) for k, v in
                (t.split(b'=', 1) for t in re.sub(rb'\s+', b'', value).split(b';') if b'=' in t))
    try:
        ok = dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc)
    except Exception:
        ok = False
    print(tags[b'd'].decode(), tags[b's'].decode(), 'pass' if ok else 'fail')
