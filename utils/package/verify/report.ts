/**
 * What the verifier says about one package or a set of parts: the plain-text report the CLI prints,
 * and the checks that several parts are one complete export (what no single part can show).
 */
import { Checks, type VerifyCheck } from './checks';
import type { VerifyReport } from './index';

/** A readable text report: header, one PASS/FAIL line per check, a final verdict. ASCII only. */
export function formatReport(r: VerifyReport): string {
  const failed = r.checks.filter((c) => !c.ok).length;
  const lines = [
    'Hashmark evidence package verification',
    `Package:     ${r.bagName ?? '(no bag folder found)'}`,
    `Signing key: ${r.fingerprint ?? '(no readable signing key)'}`,
    `Payload:     ${r.payloadFiles} files, ${r.payloadBytes} bytes`,
    ...(r.caseId ? [`Case:        ${r.caseId}`] : []),
    ...(r.exportId ? [`${r.profile === 'capture' ? 'Capture bag:' : 'Export:     '} ${r.exportId}`] : []),
    ...(r.group
      ? [`Part:        ${r.group.part} of ${r.group.parts} (Bag-Group-Identifier ${r.group.identifier})`]
      : []),
    '',
    ...r.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.message.replace(/[\r\n]+/g, ' ')}`),
    '',
  ];
  if (r.verdict === 'passed') {
    lines.push(
      `VERDICT: PASSED. All ${r.checks.length} checks passed and every claim is verified; the package is intact and was signed by the expected key.`,
    );
  } else if (r.verdict === 'unverified') {
    lines.push(
      `VERDICT: INTACT, NOT FULLY VERIFIED. None of the ${r.checks.length} checks failed and the signature is valid, but these claims stand unverified:`,
      ...r.unverified.map((u) => `  - ${u}`),
    );
  } else {
    lines.push(
      `VERDICT: FAILED. ${failed} of ${r.checks.length} checks failed. Do not rely on this package until the failures above are explained.`,
    );
  }
  // Messages can quote names from a hostile ZIP: keep the report plain ASCII.
  return `${lines.join('\n').replace(/[^\x20-\x7e\n]/g, '?')}\n`;
}

/** One package of a set given to {@link verifyGroup}: its file name and its report. */
export interface GroupMember {
  name: string;
  report: VerifyReport;
}

/**
 * Checks that several verified packages are the complete set of parts of one export: the same
 * Bag-Group-Identifier, case, signing key and custody log, and every part from 1 to n exactly
 * once. Each package must also pass {@link verifyPackage} on its own; this adds what no single
 * part can show (that none is missing).
 */
export function verifyGroup(members: GroupMember[]): VerifyCheck[] {
  const checks = new Checks();
  const ungrouped = members.filter((m) => !m.report.group);
  const grouped = members.filter((m) => m.report.group);
  for (const m of ungrouped) {
    checks.fail(
      'group',
      `${m.name} is not one part of a split export (its bag-info.txt and case.json name no group), so it is not checked as part of a set.`,
    );
  }
  const first = grouped[0];
  if (first?.report.group) {
    const id = first.report.group.identifier;
    const n = first.report.group.parts;
    const seen = new Map<number, string>();
    for (const m of grouped) {
      const g = m.report.group!;
      if (g.identifier !== id)
        checks.fail('group', `${m.name} belongs to export ${g.identifier}, not ${id} (the export of ${first.name}).`);
      else if (g.parts !== n)
        checks.fail('group', `${m.name} says the export has ${g.parts} parts; ${first.name} says ${n}.`);
      else {
        const again = seen.get(g.part);
        if (again) checks.fail('group', `${m.name} and ${again} are both part ${g.part}.`);
        seen.set(g.part, m.name);
      }
      if (m.report.caseId !== first.report.caseId)
        checks.fail('group', `${m.name} is from case ${m.report.caseId ?? '?'}, not ${first.report.caseId ?? '?'}.`);
      if (m.report.fingerprint !== first.report.fingerprint)
        checks.fail('group', `${m.name} was signed with another key than ${first.name}.`);
      if (m.report.custodySha256 !== first.report.custodySha256) {
        checks.fail(
          'group',
          `${m.name} holds a different custody log than ${first.name}; the parts of one export hold the same log.`,
        );
      }
    }
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !seen.has(k));
    if (missing.length) {
      const names = first.report.group.bagNames;
      checks.fail(
        'group',
        `Part(s) ${missing.join(', ')} of ${n} are missing: ${missing.map((k) => `${names[k - 1] ?? `part ${k}`}.zip`).join(', ')}.`,
      );
    }
    checks.settle('group', `All ${n} parts of export ${id} are here, from the same case, key and custody log.`);
  }
  return checks.list;
}
