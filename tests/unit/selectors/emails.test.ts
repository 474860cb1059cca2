import { describe, expect, it } from 'vitest';
import { extractSelectors } from '@/utils/selectors/extract';
import { mailtoAddresses } from '@/utils/selectors/emails';

function emails(text: string, links: string[] = []): Array<[string, string[]]> {
  return extractSelectors({ text, links, region: 'FR' })
    .filter((s) => s.kind === 'email')
    .map((s) => [s.value, s.raw]);
}

describe('emails in text', () => {
  const cases: Array<[string, string, string]> = [
    ['plain', 'ou karim.lyon69@hotmail.fr', 'karim.lyon69@hotmail.fr'],
    ['upper case, lowercased', 'Email: PROF.MATHS.CASA@GMAIL.COM', 'prof.maths.casa@gmail.com'],
    [
      'plus and dash in the local part',
      'écrire à lina+annonces@mail-pro.example.fr.',
      'lina+annonces@mail-pro.example.fr',
    ],
    ['[at] [dot]', 'lola.casting75 [at] gmail [dot] com', 'lola.casting75@gmail.com'],
    ['(at)(dot) without spaces', 'cairo.jobs(at)outlook(dot)com', 'cairo.jobs@outlook.com'],
    ['{at} and a real dot', 'djerba {at} gnet.tn', 'djerba@gnet.tn'],
    ['[@] [.]', 'info [@] agence-sud [.] ma', 'info@agence-sud.ma'],
    ['spaced @ and dots', 'contact @ yahoo . fr', 'contact@yahoo.fr'],
    ['French "arobase" and "point"', 'karim arobase gmail point com', 'karim@gmail.com'],
    ['Spanish "arroba" and "punto"', 'clases.bcn arroba gmail punto com', 'clases.bcn@gmail.com'],
    ['Italian "chiocciola" and "punto"', 'spedizioni chiocciola libero punto it', 'spedizioni@libero.it'],
    ['English "at" and "dot" with a common TLD', 'Send your CV: karim.jobs at gmail dot com', 'karim.jobs@gmail.com'],
    ['English "at" with a real dot', 'write to recruiter.eu at outlook.com today', 'recruiter.eu@outlook.com'],
  ];
  it.each(cases)('%s', (_, text, address) => {
    const found = emails(text);
    expect(found.map(([v]) => v)).toEqual([address]);
    expect(text).toContain(found[0]![1][0]); // the raw form is the text as written
  });

  const notEmails: Array<[string, string]> = [
    ['an image name', 'logo@2x.png et icon@3x.jpg'],
    ['"at" in a sentence', 'Meet me at the station dot com? No: see you at home.'],
    ['a pronoun before "at"', 'contact me at gmail dot com'],
    ['"at" with an uncommon TLD', 'karim at example dot zz'],
    ['a handle after a platform name', 'Insta @lola.casting75'],
    ['an @ with nothing after', 'prix @ négocier'],
    ['a sentence end after the domain', 'écrire à karim [at] gmail.com. Merci'],
  ];
  it.each(notEmails)('not: %s', (_, text) => {
    const found = emails(text).map(([v]) => v);
    if (text.includes('Merci'))
      expect(found).toEqual(['karim@gmail.com']); // the address, without "Merci"
    else expect(found).toEqual([]);
  });

  it('does not read the digits of an address as a phone', () => {
    const sels = extractSelectors({ text: 'mail: karim0612345678@gmail.com', links: [], region: 'FR' });
    expect(sels.map((s) => s.kind)).toEqual(['email']);
  });
});

describe('mailto links', () => {
  it('reads one or several recipients, decoded, without the query', () => {
    expect(mailtoAddresses('mailto:Karim.Lyon69@Hotmail.fr?subject=Chambre')).toEqual(['karim.lyon69@hotmail.fr']);
    expect(mailtoAddresses('mailto:a.b@x.fr,c%2Bd@y.ma')).toEqual(['a.b@x.fr', 'c+d@y.ma']);
    expect(mailtoAddresses('mailto:%E0%A4%A')).toEqual([]); // malformed escape: nothing, no throw
    expect(mailtoAddresses('https://x.fr')).toEqual([]);
  });

  it('merges a mailto link with the same address written in the text', () => {
    expect(
      extractSelectors({ text: 'karim.lyon69@hotmail.fr', links: ['mailto:karim.lyon69@hotmail.fr'], region: 'FR' }),
    ).toEqual([
      {
        kind: 'email',
        value: 'karim.lyon69@hotmail.fr',
        raw: ['karim.lyon69@hotmail.fr', 'mailto:karim.lyon69@hotmail.fr'],
        source: ['text', 'link'],
      },
    ]);
  });
});
