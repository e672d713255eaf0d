# Builds crates/outlets/data/ratings.tsv for the outlets of registry.tsv from
# the rating tables in ../shared/data/outlets (facts with their citation).
import csv, sys, re
reg=[l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip() and not l.startswith('#') and not l.startswith('name\t')]
def norm(s):
    s=s.lower().strip()
    s=re.sub(r'\s*[-–]\s*(news|uk)$','',s); s=re.sub(r'\s*\((online news|web news|news|online)\)$','',s); s=re.sub(r'\s+online news$','',s)
    if s.startswith('the '): s=s[4:]
    return ''.join(c for c in s if c.isalnum() or c==' ').strip()
alls={}
for r in csv.DictReader(open('../shared/data/outlets/allsides_2019.tsv'),delimiter='\t'):
    if r['type']!='News Media' or re.search(r'(opinion|editorial)',r['name'],re.I): continue
    alls.setdefault(norm(r['name']),r)
def mb(path):
    return {r['source_url_normalized'].lower().removeprefix('www.'):r for r in csv.DictReader(open(path),delimiter='\t')}
m18=mb('../shared/data/outlets/mbfc_emnlp18.tsv'); m20=mb('../shared/data/outlets/mbfc_acl2020.tsv')
print('outlet\tsource\trating\tfactuality\tcitation')
for r in reg:
    names=r[0].split('|'); doms=[d for d in r[1].split(',') if d]
    for n in names:
        a=alls.get(norm(n))
        if a:
            print('\t'.join([names[0],'allsides-2019',a['bias'],'',a['ref']])); break
    for src,tab in (('mbfc-baly2018',m18),('mbfc-baly2020',m20)):
        for d in doms:
            x=tab.get(d) or tab.get(d.split('.',1)[-1])
            if x:
                print('\t'.join([names[0],src,x['bias'],x['fact'],x['ref']])); break
