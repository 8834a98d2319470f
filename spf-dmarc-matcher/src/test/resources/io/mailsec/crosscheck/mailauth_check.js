// Runs mailauth (npm) on messages: argv[2] = DNS server, argv[3] = JSON list of
// {"file", "ip", "helo", "sender"}; prints a JSON list of {spf, dmarc, policy, dkim: [{domain, result}]}.
const fs = require('fs');
const { Resolver } = require('node:dns').promises;
const { authenticate } = require('mailauth');
const resolver = new Resolver({ timeout: 3000, tries: 1 });
resolver.setServers([process.argv[2]]);
const resolve = (name, rr) => resolver.resolve(name, rr);
(async () => {
    const out = [];
    for (const c of JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))) {
        const r = await authenticate(fs.readFileSync(c.file), { ip: c.ip, helo: c.helo, sender: c.sender, mta: 'mx.receiver.test', resolver: resolve });
        out.push({
            spf: r.spf && r.spf.status.result,
            dmarc: r.dmarc ? r.dmarc.status.result : 'none',
            policy: r.dmarc && r.dmarc.policy,
            dkim: ((r.dkim && r.dkim.results) || []).map(d => ({ domain: d.signingDomain, result: d.status.result }))
        });
    }
    console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
