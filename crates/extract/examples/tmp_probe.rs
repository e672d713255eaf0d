fn main() {
    let texts = [
        "Deputy Green leader Ola Brennan said the council must act. Brennan\u{2019}s aides agreed.",
        "The board chairwoman Hanne de Vries said the trust was alarmed. De Vries called for calm.",
        "Hanne de Vries, the board chairwoman, said the trust was alarmed.",
        "The Northern Rail Workers Union (NRWU) voted on Friday. The NRWU said talks had failed.",
        "Tomas Varga-Hollis told the committee the plan would work. Varga-Hollis said costs were low.",
        "Maria Kowalczyk won the seat. Kowalczyk's victory surprised the party.",
        "Ivan Lewis resigned on Friday. Mr Lewis said he had no choice. Lewis\u{2019}s office confirmed it.",
        "Deputy Labour leader Tom Watson said the party must act.",
        "The Jewish Labour Movement said it would act. The JLM had warned of this.",
        "Critics of the NEC said the National Executive Committee had failed.",
        "Smith-Becker's report was published on Monday. Anna Smith-Becker defended it.",
        "The chair of the board, Marie van der Zyl, said the community was alarmed.",
        "Marie van der Zyl, the board chairwoman, said the community was alarmed.",
        "Marie van der Zyl, president of the Board of Deputies, said the community was alarmed.",
        "Jane Okafor, a Green councillor, spoke first.",
        "Labour's Tom Watson spoke first.",
        "Labour leader Jeremy Corbyn visited Leeds on Monday. Corbyn's speech was about housing. Later, Mr Corbyn met voters.",
        "Anna Smith-Becker, a Green councillor, spoke first. Smith-Becker said the plan was flawed.",
        "The National Executive Committee (NEC) met on Tuesday. The NEC voted to suspend him.",
        "The party's National Executive Committee met on Tuesday. A spokesman for the NEC declined to comment.",
        "The deputy Labour leader Tom Watson said the party must act. Watson added that he was worried.",
        "Tom Watson, the deputy Labour leader, said the party must act.",
        "Board chairwoman Marie van der Zyl said the community was alarmed. Van der Zyl called for action.",
        "The board chairwoman Marie van der Zyl said the community was alarmed.",
        "Labour MP Ruth Smeeth said she was shocked. Ms Smeeth left the meeting.",
        "The Jewish Labour Movement (JLM) said it would act. The JLM had warned of this.",
        "Peter Okafor-Lindqvist told reporters the vote was close. Okafor-Lindqvist's team disagreed.",
        "Corbyn's allies defended him. Jeremy Corbyn said nothing.",
    ];
    for t in texts {
        let x = parallax_extract::extract(t).unwrap();
        println!("TEXT: {t}");
        for (i, e) in x.entities.iter().enumerate() {
            println!("  ent {i}: {:?} {:?} {:?}", e.text, e.kind, e.span);
        }
        for g in &x.groups {
            println!("  group {:?} {:?} {:?}", g.name, g.kind, g.mentions);
        }
        for r in &x.roles {
            println!("  role of {}: {:?} {:?}", r.entity, r.text, r.position);
        }
    }
}
