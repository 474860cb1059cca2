import { describe, expect, it } from 'vitest';
import { extractSelectors } from '@/utils/selectors/extract';
import { handleUrl, normaliseHandle } from '@/utils/selectors/handles';

function handles(text: string, links: string[] = []): string[] {
  return extractSelectors({ text, links, region: 'FR' })
    .filter((s) => s.kind === 'handle')
    .map((s) => s.value);
}

describe('handles from profile links', () => {
  const cases: Array<[string, string]> = [
    ['https://t.me/travel_jobs_eu', 'telegram:travel_jobs_eu'],
    ['https://t.me/Travel_Jobs_EU/125', 'telegram:travel_jobs_eu'],
    ['https://telegram.me/zuwara_trips', 'telegram:zuwara_trips'],
    ['https://t.me/s/harraga_oran_2026', 'telegram:harraga_oran_2026'],
    ['tg://resolve?domain=lucia_roma88', 'telegram:lucia_roma88'],
    ['https://t.me/+AbCdEf123456', 'telegram:invite/AbCdEf123456'],
    ['https://t.me/joinchat/AAAAAEkZ8xQ2b3Vn', 'telegram:invite/AAAAAEkZ8xQ2b3Vn'],
    ['https://www.instagram.com/Red_Sea_Dive_HRG/', 'instagram:red_sea_dive_hrg'],
    ['https://instagram.com/julie_coloc31?igsh=abc', 'instagram:julie_coloc31'],
    ['https://www.instagram.com/stories/auto_dz_oran/3212345678901234567/', 'instagram:auto_dz_oran'],
    ['https://www.facebook.com/karim.voyage.pro', 'facebook:karimvoyagepro'],
    ['https://m.facebook.com/KarimVoyagePro/posts/123', 'facebook:karimvoyagepro'],
    ['https://www.facebook.com/profile.php?id=100089123456789', 'facebook:100089123456789'],
    ['https://web.facebook.com/people/Ali-Tripoli/100076543210987/', 'facebook:100076543210987'],
    ['https://m.me/karim.voyage.pro', 'facebook:karimvoyagepro'],
    ['https://www.tiktok.com/@Cairo_Fashion_EG/video/7301234567890123456', 'tiktok:cairo_fashion_eg'],
    ['https://x.com/AgenceParis75', 'x:agenceparis75'],
    ['https://twitter.com/Foo_Bar/status/1234567890', 'x:foo_bar'],
    ['https://twitter.com/intent/follow?screen_name=Foo_Bar', 'x:foo_bar'],
    ['https://www.snapchat.com/add/Lola.Casting75', 'snapchat:lola.casting75'],
    ['https://chat.whatsapp.com/Gx7AbCdEfGh1234', 'whatsapp:invite/Gx7AbCdEfGh1234'],
  ];
  it.each(cases)('%s', (link, value) => {
    const sels = extractSelectors({ text: '', links: [link], region: 'FR' });
    expect(sels).toEqual([{ kind: 'handle', value, raw: [link], platform: value.split(':')[0], source: ['link'] }]);
  });

  const reserved = [
    'https://x.com/home',
    'https://twitter.com/search?q=visa',
    'https://x.com/i/flow/login',
    'https://www.instagram.com/p/Cz1234abcd/',
    'https://www.instagram.com/reel/Cz1234abcd/',
    'https://www.instagram.com/explore/tags/visa/',
    'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fannonces.example',
    'https://www.facebook.com/groups/123456789012345',
    'https://www.facebook.com/marketplace/item/123456789',
    'https://www.facebook.com/watch/?v=123',
    'https://www.tiktok.com/explore',
    'https://vm.tiktok.com/ZMabc123/',
    'https://t.me/share/url?url=https://annonces.example',
    'https://t.me/c/1234567890/12',
    'https://t.me/addstickers/Cats',
    'https://www.snapchat.com/discover',
    'https://annonces.example/user/karim',
    'https://t.me/abc', // too short for a Telegram username
    'https://www.instagram.com/bad..name/',
  ];
  it.each(reserved)('no handle: %s', (link) => {
    expect(handles('', [link])).toEqual([]);
  });
});

describe('handles written in text', () => {
  const cases: Array<[string, string[]]> = [
    ['أو على تيليغرام @travel_jobs_eu الرقم', ['telegram:travel_jobs_eu']],
    ['Telegram : @zen_paris_7 – paiement espèces', ['telegram:zen_paris_7']],
    ['Contact Snap : @lola.casting75 ou par mail', ['snapchat:lola.casting75']],
    ['Insta/Snap: @bella_roma', ['instagram:bella_roma', 'snapchat:bella_roma']],
    ['انستغرام @auto_dz_oran', ['instagram:auto_dz_oran']],
    ['تيك توك @cairo_fashion_eg — اطلب الآن', ['tiktok:cairo_fashion_eg']],
    ['Suivez-nous @agence_paris75 (insta)', ['instagram:agence_paris75']],
    ['écris-moi @lina_22 sur Snap', ['snapchat:lina_22']],
    ['Twitter: @Foo_Bar.', ['x:foo_bar']],
    ['Snap : karim.dz – Tel', ['snapchat:karim.dz']],
    ['Insta : hanane.beauty_ma | Snap : hanane_ma22', ['instagram:hanane.beauty_ma', 'snapchat:hanane_ma22']],
    ['Contattami su telegram: lucia_roma88 oppure', ['telegram:lucia_roma88']],
    ['Instagram instagram.com/julie_coloc31', ['instagram:julie_coloc31']],
    ['Infos sur Telegram t.me/harraga_oran_2026', ['telegram:harraga_oran_2026']],
    // Cyrillic, Persian, Urdu, Turkish, Spanish and Portuguese ads (issue 21 item 10).
    ['Телеграм: @ivan_rabota', ['telegram:ivan_rabota']],
    ['Работа в Польше, пишите в телеграм @rabota_pl24', ['telegram:rabota_pl24']],
    ['Пишіть у телеграмі: @robota_ua_7', ['telegram:robota_ua_7']],
    ['Инстаграм @viza_tur2026 и тикток @viza_tur2026', ['instagram:viza_tur2026', 'tiktok:viza_tur2026']],
    ['@work_pl_2026 (инста)', ['instagram:work_pl_2026']],
    ['Фейсбук: @agency.msk77', ['facebook:agencymsk77']],
    ['Инста/Твиттер: @agency_msk', ['instagram:agency_msk', 'x:agency_msk']],
    ['تلگرام: @kar_dar_turkiye', ['telegram:kar_dar_turkiye']],
    ['پیج اینستاگرام @visa_kar_ir', ['instagram:visa_kar_ir']],
    ['رابطہ کریں ٹیلیگرام @dubai_jobs_pk', ['telegram:dubai_jobs_pk']],
    ['Instagram ve TikTok: @is_ilani_34', ['instagram:is_ilani_34', 'tiktok:is_ilani_34']],
    ['Escríbeme por telegram @trabajo_es_1', ['telegram:trabajo_es_1']],
    ['Chama no insta @vagas.pt_22', ['instagram:vagas.pt_22']],
  ];
  it.each(cases)('%s', (text, values) => {
    expect(handles(text)).toEqual(values);
  });

  const notHandles = [
    '@lola.casting75', // no platform named: which one?
    'Merci @tous pour vos messages',
    'Insta : disponible sur demande', // a plain word after the colon
    'Snap: karim', // no digit, "_" or ".": could be a first name
    'karim.lyon69@hotmail.fr', // an e-mail, not a handle
    'Telegram @abc', // too short for Telegram
    'WhatsApp @karim_22', // WhatsApp has no usernames
    'Привет @ivan_rabota', // Cyrillic greeting, no platform named
    'Телеграмма @ab', // too short for Telegram
  ];
  it.each(notHandles)('no handle: %s', (text) => {
    expect(handles(text)).toEqual([]);
  });

  it('merges a handle written in text with its profile link', () => {
    expect(
      extractSelectors({ text: 'تيليغرام @travel_jobs_eu', links: ['https://t.me/travel_jobs_eu'], region: 'MA' }),
    ).toEqual([
      {
        kind: 'handle',
        value: 'telegram:travel_jobs_eu',
        raw: ['@travel_jobs_eu', 'https://t.me/travel_jobs_eu'],
        platform: 'telegram',
        source: ['text', 'link'],
      },
    ]);
  });
});

describe('normalisation and profile URLs', () => {
  it('lowercases, drops Facebook dots, refuses what the platform would refuse', () => {
    expect(normaliseHandle('instagram', '@Lina.Beauty')).toBe('instagram:lina.beauty');
    expect(normaliseHandle('facebook', 'Karim.Voyage.Pro')).toBe('facebook:karimvoyagepro');
    expect(normaliseHandle('telegram', '1abcde')).toBeNull(); // must start with a letter
    expect(normaliseHandle('x', 'a_name_that_is_too_long')).toBeNull();
    expect(normaliseHandle('whatsapp', 'karim')).toBeNull();
  });

  it('gives the URL to open for each normalised handle', () => {
    expect(
      [
        'telegram:travel_jobs_eu',
        'telegram:invite/AbCdEf123456',
        'instagram:red_sea_dive_hrg',
        'facebook:karimvoyagepro',
        'facebook:100089123456789',
        'tiktok:cairo_fashion_eg',
        'x:foo_bar',
        'snapchat:lola.casting75',
        'whatsapp:invite/Gx7AbCdEfGh1234',
        'whatsapp:message/ABCDEFGH',
      ].map(handleUrl),
    ).toEqual([
      'https://t.me/travel_jobs_eu',
      'https://t.me/+AbCdEf123456',
      'https://www.instagram.com/red_sea_dive_hrg/',
      'https://www.facebook.com/karimvoyagepro',
      'https://www.facebook.com/profile.php?id=100089123456789',
      'https://www.tiktok.com/@cairo_fashion_eg',
      'https://x.com/foo_bar',
      'https://www.snapchat.com/add/lola.casting75',
      'https://chat.whatsapp.com/Gx7AbCdEfGh1234',
      'https://wa.me/message/ABCDEFGH',
    ]);
  });

  it('gives no URL for values it did not make', () => {
    expect(['telegram:a b', 'x:', 'myspace:karim', 'nope', 'instagram:javascript:alert(1)'].map(handleUrl)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('handles in a text longer than one scanning window (1 Mi characters)', () => {
  // The text is scanned in windows (a Firefox background page overflowed on one 17 Mi-character
  // scan). A handle that straddles a window's edge, or starts right at it, is found once, at its place.
  it('finds each handle once, at its position, wherever the windows cut', () => {
    const W = 1 << 20;
    const filler = (n: number) => 'Annonce '.repeat(Math.ceil(n / 8)).slice(0, n);
    const parts = [
      filler(W - 9),
      ' Snap: karim.dz ', // straddles the first window's edge
      filler(W - 30),
      ' @lina_22 sur insta ',
      filler(W - 16),
      ' Telegram : ivan_rabota7 ', // starts right at the third window's edge
      filler(500),
    ];
    const text = parts.join('');
    const found = extractSelectors({ text, links: [], region: 'FR' }).filter((s) => s.kind === 'handle');
    expect(found.map((s) => [s.platform, s.value])).toEqual([
      ['snapchat', 'snapchat:karim.dz'],
      ['instagram', 'instagram:lina_22'],
      ['telegram', 'telegram:ivan_rabota7'],
    ]);
    expect(found.map((s) => s.raw)).toEqual([['karim.dz'], ['@lina_22'], ['ivan_rabota7']]);
  });
});
