import random, hashlib, json, glob, os
lines = open('/work/shared/archive/mobility.txt').read().splitlines()
lineno = {p:i+1 for i,p in enumerate(lines)}
excl = set(l.split()[0] for l in open('excl_hashes.txt'))
# also exclude by recorded archive paths in gold sources
srcpaths=set()
for g in glob.glob('/work/main/tests/data/*/gold/*.json')+glob.glob('/work/shared/corpus/real/gold/*.json'):
    for s in json.load(open(g)).get('sources',[]):
        srcpaths.add(s)
order = lines[:]
random.Random(20261202).shuffle(order)
for k,p in enumerate(order[:80]):
    f='/work/wire/'+p
    b=open(f,'rb').read()
    h=hashlib.sha256(b).hexdigest()
    flag=[]
    if h in excl: flag.append('EXCL-hash')
    if p in srcpaths: flag.append('EXCL-path')
    if len(b)>15*1024: flag.append('SIZE>15KB(%d)'%len(b))
    print(k+1, lineno[p], len(b), p, ' '.join(flag))
