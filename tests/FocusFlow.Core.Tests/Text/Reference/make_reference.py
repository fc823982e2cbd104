import json,os,random,shutil,sys,torch
from transformers import CLIPTokenizer as C,T5Tokenizer as T,CLIPTextModelWithProjection as M,T5EncoderModel as E
R='tests/fixtures/tiny-sd3/';O=os.environ['OUT']
P=["İstanbul ŞEHİR","ΣΟΦΟΣ straße","ﬁne ½ Ａ ｂ ①","a\u00a0b\u2003c\u3000d\u2028e","x\u200by\u00adz","𝐀𝐁𝐂 𝒶 𠀀𠀁","👍🏽 🐱🐶cat","e\u0301 n\u0303","a<|endoftext|>b<|startoftext|>","hello!world!! !","A<extra_id_0>b <extra_id_99> c","x </s> y<pad>z <unk>","  lead  trail  ","\n\t","don’t ‘q’ “d”","٣٤ Ⅻ ⅷ ²","中文,English;日本語。한국어","snake_case kebab-case $1.5@h#t","'s't 're've'm'll'd'x","\u0000\u0007ctl","a" * 300]
random.seed(1);pool="aZ9 !.,'’\t\nßİéÅ中日🐱𝐀\u00a0\u0301<>|/_-ﬁ①²٣Ⅻ"
P+=["".join(random.choice(pool) for _ in range(random.randint(1,40))) for _ in range(150)]
def ids(t,p,n):return dict(ids=t(p,padding="max_length",max_length=n,truncation=True).input_ids,full=t(p).input_ids)
r={"prompts":P}
for k in["tokenizer","tokenizer_2"]:r[k]=[ids(C.from_pretrained(R+k),p,77) for p in P]
for k,fs in[("t5",None),("t5_spiece",["spiece.model","tokenizer_config.json","special_tokens_map.json"]),("t5_json",["tokenizer.json","tokenizer_config.json","special_tokens_map.json"])]:
 d=R+"tokenizer_3"
 if fs:
  d="/tmp/"+k;os.makedirs(d,exist_ok=True)
  for f in fs:shutil.copy(R+"tokenizer_3/"+f,d)
 try:r[k]=[ids(T.from_pretrained(d),p,256) for p in P]
 except Exception as e:r[k]=repr(e)
json.dump(r,open(O+"/edge_tokens.json","w"),ensure_ascii=False)
pr=[q[0] for q in json.load(open(R[:-1]+"-ref/meta.json"))["encode_pairs"]]
t=C.from_pretrained(R+"tokenizer");t3=T.from_pretrained(R+"tokenizer_3");out={}
for dt in[torch.float16,torch.bfloat16]:
 n=str(dt)[6:];m=M.from_pretrained(R+"text_encoder",torch_dtype=dt);e=E.from_pretrained(R+"text_encoder_3",torch_dtype=dt)
 print(n,e.encoder.block[0].layer[1].DenseReluDense.wo.weight.dtype)
 with torch.no_grad():
  for i,p in enumerate(pr):
   o=m(torch.tensor([t(p,padding="max_length",max_length=77,truncation=True).input_ids]),output_hidden_states=True)
   out[f"{n}.pair{i}.text_encoder.penultimate"]=o.hidden_states[-2];out[f"{n}.pair{i}.text_encoder.text_embeds"]=o.text_embeds
   out[f"{n}.pair{i}.text_encoder_3.last_hidden_state"]=e(torch.tensor([t3(p,padding="max_length",max_length=256,truncation=True).input_ids]))[0]
__import__("safetensors.torch").torch.save_file({k:v.contiguous() for k,v in out.items()},O+"/reduced_precision.safetensors")
print({k:len(v) for k,v in r.items()})
