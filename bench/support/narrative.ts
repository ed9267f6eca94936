/**
 * Plausible report narratives of a given length, different for every report, so the server parses,
 * validates and seals text of realistic size and shape (a few thousand characters of prose).
 */

const OPENINGS = [
  'I am writing about something that has been going on in our team for several months.',
  'I was not sure whether to report this, but a colleague encouraged me to write it down.',
  'This concerns my line manager and a pattern of behaviour that I no longer feel able to ignore.',
  'I want to report what happened during the quarterly planning offsite last month.',
  'I have witnessed the following incidents and I am worried about the people involved.',
];

const EVENTS = [
  'During the Monday stand-up he made remarks about my appearance in front of the whole team, and when I objected he laughed and said I could not take a joke.',
  'After the client dinner she insisted on sharing a taxi and made comments that made me very uncomfortable; I got out early and walked the rest of the way.',
  'On several occasions I was left off meeting invitations for projects I lead, and decisions were taken without me that I only learned about afterwards.',
  'A senior colleague repeatedly messaged me late in the evening on my personal phone, asking about my private life and whether I was seeing anyone.',
  'When I raised a safety concern about the loading bay, I was told to stop making trouble and was moved to the night shift the following week.',
  'I saw a manager grab a younger colleague by the arm and pull her into the stockroom; she looked frightened when she came out a few minutes later.',
  'Expense claims for trips that did not take place were approved by the department head, and I was asked to sign them off without the receipts.',
  'In a performance review I was told that people like me do not usually get promoted here, and that I should think about whether I fit in.',
  'Jokes about colleagues from other countries are made openly in the team chat, and nobody in a position of authority has ever stopped them.',
  'He stood very close behind my desk and put his hand on my shoulder for a long time while I was trying to work, even after I moved away.',
  'My request for reasonable adjustments was ignored for four months and then refused in a meeting where I was not allowed to bring anyone with me.',
  'The supervisor threatened to give me bad references if I told anyone about the way the overtime hours were being recorded.',
];

const DETAILS = [
  'There were at least three other people present who saw it, although I do not know whether they would be willing to speak about it.',
  'I made notes on the same day, including the time and the room, and I still have the messages on my phone.',
  'Since then I have had trouble sleeping and I have taken two days of sick leave because I could not face coming in.',
  'I am afraid that if my name becomes known I will be treated differently or lose the chance of my contract being renewed.',
  'I spoke to HR informally in the spring, but nothing seemed to happen and I was not told what, if anything, was done.',
  'Other colleagues have told me privately that similar things have happened to them, but they are afraid to come forward.',
  'I would like someone to look into this properly and to make sure that it stops, for me and for the people who joined after me.',
];

/** A small deterministic generator, so a run is reproducible and costs nothing to produce. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A narrative of about `chars` characters (never more), varying with `seed`. */
export function reportNarrative(seed: number, chars = 3_000): string {
  const random = mulberry32(seed + 1);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
  const paragraphs: string[] = [pick(OPENINGS)];
  let length = paragraphs[0]!.length;
  while (length < chars) {
    const paragraph = [pick(EVENTS), pick(DETAILS)].join(' ');
    paragraphs.push(paragraph);
    length += paragraph.length + 2;
  }
  return paragraphs.join('\n\n').slice(0, chars).trimEnd();
}

export const REPORT_CATEGORIES_FOR_BENCH = ['sexual-harassment', 'harassment', 'bullying', 'discrimination', 'retaliation', 'fraud', 'health-safety'] as const;
