import json,collections,sys
d=json.load(open(sys.argv[1]))
ev=d['recording']['events']
by=collections.Counter(); incl=collections.defaultdict(collections.Counter)
for e in ev:
    t=e['values']['sampledThread']['javaName'] or ''
    st=e['values']['stackTrace']; fr=st['frames'] if st else []
    by[t]+=1; seen=set()
    for f in fr:
        k=f['method']['type']['name'].split('/')[-1]+'.'+f['method']['name']
        if k not in seen: incl[t][k]+=1; seen.add(k)
io=[t for t in by if t.startswith('aurachat-io')][0]
n=by[io]; print('io samples',n, 'log samples', by['aurachat-log-2'])
for k in sys.argv[2:]:
    print('  %-28s %5d %5.1f%%'%(k,incl[io][k],100*incl[io][k]/n))
