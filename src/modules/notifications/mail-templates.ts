import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

export type MailLang = 'vi' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
}

interface Compiled {
  subject: Handlebars.TemplateDelegate;
  body: Handlebars.TemplateDelegate;
}

/**
 * Templates live in src/modules/notifications/templates as `<name>[.secret].<lang>.hbs`: first line
 * `Subject: …`, a blank line, then the plain-text body. `npm run build:server` copies them next to the compiled
 * code; when running from a tsc build without that copy (tests, `npm start`) they are read from src/.
 * Plain text, whitespace matters: do not run prettier on them (it reformats .hbs as HTML-like Glimmer).
 */
export function templatesDir(): string {
  const candidates = [
    join(__dirname, 'templates'),
    join(__dirname, '..', '..', '..', '..', 'src', 'modules', 'notifications', 'templates'),
  ];
  const found = candidates.find((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.hbs')));
  if (!found) throw new Error(`mail templates not found (looked in ${candidates.join(', ')})`);
  return found;
}

export class MailTemplates {
  private readonly compiled = new Map<string, Compiled>();
  private readonly hbs = Handlebars.create();

  constructor(dir: string = templatesDir()) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
      this.register(file.slice(0, -'.hbs'.length), readFileSync(join(dir, file), 'utf8'));
    }
  }

  /** `key` is `<name>.<lang>` or `<name>.secret.<lang>`; other modules may add their own templates. */
  register(key: string, source: string): void {
    const normalized = source.replace(/\r\n/g, '\n');
    const m = /^Subject:[ \t]*(.+)\n\n([\s\S]*)$/.exec(normalized);
    if (!m) throw new Error(`mail template ${key}: first line must be "Subject: …", then a blank line`);
    this.compiled.set(key, {
      subject: this.hbs.compile(m[1], { noEscape: true, strict: false }),
      body: this.hbs.compile(m[2], { noEscape: true, strict: false }),
    });
  }

  has(name: string): boolean {
    return this.compiled.has(`${name}.vi`) || this.compiled.has(`${name}.en`);
  }

  /** Vietnamese first; English falls back to Vietnamese when a template has no English version, and back. */
  render(name: string, lang: MailLang, data: Record<string, unknown>, secret: boolean): RenderedMail {
    const base = secret ? `${name}.secret` : name;
    const other: MailLang = lang === 'vi' ? 'en' : 'vi';
    const t =
      this.compiled.get(`${base}.${lang}`) ??
      this.compiled.get(`${base}.${other}`) ??
      (secret ? (this.compiled.get(`secret.${lang}`) ?? this.compiled.get('secret.vi')) : undefined);
    if (!t) throw new Error(`no mail template "${base}"`);
    return { subject: t.subject(data).trim().normalize('NFC'), text: t.body(data).normalize('NFC') };
  }
}
