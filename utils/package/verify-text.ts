/**
 * VERIFY.txt: how a reader with no Hashmark software checks an evidence package. Plain words
 * first (what each check proves), then the exact commands of evidence-package-v1.md.
 * ASCII only, so it reads the same in every editor and terminal. Commands, and only commands,
 * are indented by two spaces (a test runs them).
 */

/** What VERIFY.txt needs to know about the package it sits in. */
export interface VerifyTextOptions {
  /** The bag's base folder, e.g. `burglary-2024-20250102T030405Z`. */
  bagName: string;
  /** The ZIP file name, e.g. `burglary-2024-20250102T030405Z.zip`. */
  zipName: string;
  /** Lowercase hex SHA-256 of the signing key's SPKI DER. */
  fingerprint: string;
  /** Whether the package holds RFC 3161 timestamp tokens (.tsr files). */
  hasTimestamps: boolean;
  /** When the case was split into several packages (a bag group). */
  group?: VerifyTextGroup;
}

/** The set of packages (parts) one split export made. */
interface VerifyTextGroup {
  /** This package's place in the set, from 1. */
  part: number;
  /** The ZIP name of every part, in order (this one included). */
  zipNames: string[];
  /** Bag-Group-Identifier: the export's identifier, shared by every part. */
  identifier: string;
}

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The text of VERIFY.txt.
 * @throws Error if a name is not plain ASCII `[A-Za-z0-9._-]` or the fingerprint is not 64 lowercase hex digits.
 */
export function verifyInstructions(o: VerifyTextOptions): string {
  if (!SAFE_NAME.test(o.bagName))
    throw new Error(`VERIFY.txt: bag name ${JSON.stringify(o.bagName)} is not plain ASCII`);
  if (!SAFE_NAME.test(o.zipName))
    throw new Error(`VERIFY.txt: ZIP name ${JSON.stringify(o.zipName)} is not plain ASCII`);
  if (!/^[0-9a-f]{64}$/.test(o.fingerprint)) {
    throw new Error('VERIFY.txt: fingerprint must be 64 lowercase hex digits');
  }
  const g = o.group;
  if (g) {
    if (
      !Number.isSafeInteger(g.part) ||
      g.part < 1 ||
      g.part > g.zipNames.length ||
      g.zipNames[g.part - 1] !== o.zipName
    ) {
      throw new Error('VERIFY.txt: the group does not list this package at its part number');
    }
    for (const z of g.zipNames) {
      if (!SAFE_NAME.test(z)) throw new Error(`VERIFY.txt: ZIP name ${JSON.stringify(z)} is not plain ASCII`);
    }
    if (!SAFE_NAME.test(g.identifier)) throw new Error('VERIFY.txt: the group identifier is not plain ASCII');
  }
  const { bagName, zipName, fingerprint } = o;

  const sections: string[] = [
    `HOW TO CHECK THIS EVIDENCE PACKAGE
==================================

Package file:     ${zipName}
Folder inside it: ${bagName}
Signing key fingerprint (SHA-256):
${fingerprint}`,

    `WHAT THIS PACKAGE IS

This package was made by Hashmark, a browser extension that records web pages
as evidence. It is one ZIP file holding one folder, laid out in the BagIt
format (RFC 8493), a standard that archives and libraries use to move digital
material without changing it.

The evidence is in the "data" folder. For each capture there is the page as
the browser held it, screenshots, the visible text, and capture.json, which
records when, where and how the capture was made and what could not be
captured. data/report.html is a readable summary. data/custody/events.jsonl
lists, in order, everything that was done with the case in Hashmark; each
entry contains a fingerprint of the entry before it, so an entry cannot be
changed, removed or moved without breaking the chain.

You do not need Hashmark to check this package. The commands below use
standard tools (sha256sum, unzip, openssl) found on Linux and macOS; on
Windows, use WSL or Git Bash.`,
  ];

  if (g) {
    const n = g.zipNames.length;
    sections.push(`THIS PACKAGE IS PART ${g.part} OF ${n}

The case was exported as ${n} packages ("parts") at once, to keep each file
under a size limit. Each part is a complete package: check it on its own
with the commands below, and check every part. All parts carry the same
group identifier (Bag-Group-Identifier in bag-info.txt):
${g.identifier}
and Bag-Count in bag-info.txt says which part each one is. The parts are:

${g.zipNames.map((z, i) => `Part ${i + 1}: ${z}`).join('\n')}

Every part holds the same custody log, and data/case.json and
data/report.html list every capture of the export with the part that
holds it. The files of a capture are only in the part that holds it.`);
  }

  sections.push(`WHAT EACH CHECK PROVES

A "fingerprint" (a SHA-256 hash) is a 64-character code computed from every
byte of a file. Changing even one byte of the file gives a completely
different code, and no one is known to be able to make two different files
with the same code.

1. Fingerprint of the ZIP file. If it equals the value recorded when the
   package was exported (Hashmark shows it at export and logs it in the
   case's custody log), you hold exactly the file that was exported.

2. Evidence files (manifest-sha256.txt). This list holds a fingerprint for
   every evidence file in "data". The check recomputes each one. If every
   line says OK, no evidence file has changed since the package was made.
   (It does not notice a file ADDED to "data"; Hashmark's verifier does.)

3. Package description (tagmanifest-sha256.txt). This list holds the
   fingerprints of the package's own description files, including the list
   used in check 2. If every line says OK, they are as they were written.

4. Signature. Hashmark signed tagmanifest-sha256.txt with a private key that
   cannot be copied out of the investigator's browser. "Verified OK" means
   the list in check 3, and through it every file checked in checks 2 and 3,
   is unchanged since the holder of that key signed it.

5. Signing key. A signature only shows WHO signed if you know which key is
   theirs: anyone could make a new package and sign it with a key of their
   own. The fingerprint of the key in this package must equal the one printed
   above, AND one you obtained separately from the investigator or their
   organisation (for example from a statement or another case). Only that
   second comparison ties the package to the investigator.`);

  if (o.hasTimestamps) {
    sections.push(`6. Trusted time (files ending in .tsr). An independent time-stamping
   authority (TSA) certified that the signature, and each capture.json with a
   .tsr file beside it, existed at the time written in the token. Checking
   this needs the TSA's root certificate, obtained from the TSA itself (not
   from this package). If signature/tagmanifest-sha256.txt.sig.tsr is absent,
   the TSA did not answer when the package was made; Hashmark records that in
   the case's custody log, and the other checks are unaffected.`);
  }

  sections.push(
    `WHAT THESE CHECKS DO NOT PROVE

They show that the files have not changed since they were captured and
signed. They do not show that what a web page said is true, nor that other
visitors saw the same page. What each capture could not record is listed
under "limitations" in its capture.json and in data/report.html.`,

    `COMMANDS

Run these in a terminal, in the folder that holds ${zipName}.
(On macOS without sha256sum, use "shasum -a 256" in its place, also with -c.
On Windows without WSL, step 1 is: certutil -hashfile ${zipName} SHA256)

Step 1. Fingerprint of the ZIP file; compare it with the value recorded at
export:

  sha256sum ${zipName}

Step 2. Unpack the package and go into its folder:

  unzip -q ${zipName} && cd ${bagName}

Step 3. Check every evidence file, then the description files. Every line
must end in "OK" and no warning may be printed:

  sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt

Step 4. Fingerprint of the signing key. The 64 characters printed must equal
${fingerprint}
and the fingerprint you obtained separately:

  openssl pkey -pubin -in signature/signing-key.pem -outform DER | sha256sum

Step 5. Check the signature. It must print "Verified OK":

  openssl dgst -sha256 -verify signature/signing-key.pem -signature signature/tagmanifest-sha256.txt.sig tagmanifest-sha256.txt`,
  );

  if (o.hasTimestamps) {
    sections.push(`Step 6. Check the trusted time of the signature ("Verification: OK"),
where <tsa-root.pem> is the root certificate published by the TSA:

  openssl ts -verify -data signature/tagmanifest-sha256.txt.sig -in signature/tagmanifest-sha256.txt.sig.tsr -CAfile <tsa-root.pem>

and of a capture that has a capture.json.tsr file (<folder> is its folder):

  openssl ts -verify -data data/captures/<folder>/capture.json -in data/captures/<folder>/capture.json.tsr -CAfile <tsa-root.pem>

If openssl says it cannot find the issuer certificate, add
"-untrusted signature/tsa-chain.pem" to the command.`);
  }

  const all = g ? g.zipNames.join(' ') : zipName;
  const root = o.hasTimestamps ? ' --tsa-root <tsa-root.pem>' : '';
  sections.push(`ALL CHECKS AT ONCE, WITH HASHMARK

Hashmark's verifier reads the ZIP strictly (a file hidden from one ZIP tool
but extracted by another is refused), runs steps 3 to 5${o.hasTimestamps ? ' and 6' : ''}, and also
checks that no file was added to or removed from "data", that each
capture.json lists exactly the files of its folder, that the file count and
size in bag-info.txt (Payload-Oxum) match, that the custody log chain is
unbroken, in time order and ends with the start of this export, that every
capture in the package has its "stored" event in that log, and that
data/case.json and the log name the key that signed. It explains every
failure in words.${
    g ? '\nGiven every part, it also checks that none is missing and that they\nbelong to the same export.' : ''
  }

Give it the key fingerprint you obtained separately${o.hasTimestamps ? ', and the TSA root' : ''}:

  hashmark verify --key-fingerprint <fingerprint obtained separately>${root} ${all}

It ends with one of three verdicts:
PASSED: every check passed and every claim was verified (exit code 0).
INTACT, NOT FULLY VERIFIED: nothing failed, but it lists the claims it could
not check, such as who signed (no fingerprint given) or trusted time (no TSA
root given, or tokens missing) (exit code 3).
FAILED: a check failed; do not rely on the package (exit code 1).`);

  sections.push(`OPENING THE CAPTURED PAGES

dom.html and page.mhtml are the page as the browser held it, including the
site's own scripts: opening them in a browser runs those scripts, which may
contact the site. Open page.html (a copy with the scripts removed), or open
dom.html only in a sandbox or with scripts and network access turned off.`);

  return `${sections.join('\n\n')}\n`;
}
