# Evaluates SPF with pyspf (python3-spf) against the DNS server given in argv[1] for the
# queries in argv[2] (JSON list of [ip, sender, helo]); prints a JSON list of result words.
import json, sys
import dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = [sys.argv[1]]
r.lifetime = 5
dns.resolver.default_resolver = r
import spf
out = []
for ip, sender, helo in json.load(open(sys.argv[2])):
    res, expl = spf.check2(i=ip, s=sender, h=helo)
    out.append(res)
print(json.dumps(out))
