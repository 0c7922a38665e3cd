import Handlebars from 'handlebars';

/**
 * Content templates per document type in the Decree 30/2020 appendix I layout. A template yields a small
 * layout script, one directive per line, that document-layout.ts sets on the page:
 *   @title text      centred bold 14 pt (type name, upper case)
 *   @subtitle text   centred bold 14 pt (subject), followed by a short rule
 *   @center text     centred bold 14 pt
 *   @to text         "Kính gửi:" block of a công văn
 *   @p text          body paragraph, justified, first line indented
 * Header (national name, issuing body, number, place and date), signer block and "Nơi nhận" are common.
 */
const SOURCES: Record<string, string> = {
  QĐ: `@title QUYẾT ĐỊNH
@subtitle {{subject}}
@center {{authorityHeading}}
{{#each paragraphs}}@p {{this}}
{{/each}}`,
  TB: `@title THÔNG BÁO
@subtitle {{subject}}
{{#each paragraphs}}@p {{this}}
{{/each}}`,
  KH: `@title KẾ HOẠCH
@subtitle {{subject}}
{{#each paragraphs}}@p {{this}}
{{/each}}`,
  BC: `@title BÁO CÁO
@subtitle {{subject}}
{{#each paragraphs}}@p {{this}}
{{/each}}`,
  TTr: `@title TỜ TRÌNH
@subtitle {{subject}}
{{#if recipients.length}}@to Kính gửi: {{#each recipients}}{{this}}{{#unless @last}}; {{/unless}}{{/each}}.
{{/if}}{{#each paragraphs}}@p {{this}}
{{/each}}`,
  CV: `{{#if recipients.length}}@to Kính gửi: {{#each recipients}}{{this}}{{#unless @last}}; {{/unless}}{{/each}}.
{{/if}}{{#each paragraphs}}@p {{this}}
{{/each}}`,
  GENERIC: `@title {{typeNameUpper}}
@subtitle {{subject}}
{{#each paragraphs}}@p {{this}}
{{/each}}`,
};

const hbs = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();

export interface TemplateData {
  subject: string;
  typeNameUpper: string;
  authorityHeading: string;
  recipients: string[];
  paragraphs: string[];
}

export interface LayoutDirective {
  kind: 'title' | 'subtitle' | 'center' | 'to' | 'p';
  text: string;
}

export function hasTemplate(typeCode: string): boolean {
  return typeCode in SOURCES;
}

export function fillTemplate(typeCode: string, data: TemplateData): LayoutDirective[] {
  const key = typeCode in SOURCES ? typeCode : 'GENERIC';
  let tpl = compiled.get(key);
  if (!tpl) {
    // noEscape: the output is a layout script drawn on a PDF, not HTML.
    tpl = hbs.compile(SOURCES[key], { noEscape: true, strict: false });
    compiled.set(key, tpl);
  }
  const clean = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const safe = {
    ...data,
    subject: clean(data.subject),
    recipients: data.recipients.map(clean),
    paragraphs: data.paragraphs.map(clean).filter(Boolean),
  };
  return tpl(safe)
    .split('\n')
    .map((line) => /^@(title|subtitle|center|to|p) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[2].trim() !== '')
    .map((m) => ({ kind: m[1] as LayoutDirective['kind'], text: m[2].trim() }));
}
