# Signs messages with dkimpy: argv[1] = private key PEM, argv[2] = JSON list of
# {"in": path, "out": path, "domain": d, "selector": s} (domain null = copy unsigned).
import json, sys
import dkim
key = open(sys.argv[1], 'rb').read()
for job in json.load(open(sys.argv[2])):
    msg = open(job['in'], 'rb').read()
    if job.get('domain'):
        sig = dkim.sign(msg, job['selector'].encode(), job['domain'].encode(), key,
                        include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
        msg = sig + msg
    open(job['out'], 'wb').write(msg)
