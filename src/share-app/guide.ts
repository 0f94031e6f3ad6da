/**
 * The install guide given with the tarball, in French and English: what it is, its limits
 * (same OS and CPU as the sharer, Node.js 20), how to check and extract it, and how to
 * start. It is written once as blocks, then rendered as the HTML page and as the text
 * files (page.ts), so the two never disagree. Steps use the sharer's own system, the only
 * one the tarball runs on.
 */
import { formatBytes } from '../documents/limits.js'
import type { AppTarball } from './tarball.js'

/** The languages of the guide. */
export type GuideLang = 'fr' | 'en'
export const GUIDE_LANGS: readonly GuideLang[] = ['fr', 'en']

/** What the guide says about the tarball. */
export interface GuideFacts extends Pick<AppTarball, 'name' | 'size' | 'sha256' | 'version' | 'target' | 'platform' | 'arch' | 'node' | 'nodeRange'> {
  /** Where the files are served, e.g. `http://192.168.1.20:8080/`, for `curl` lines; none in a folder. */
  baseUrl?: string
}

/**
 * One block of the guide. Text may hold `code` in backticks. `download` stands for the
 * link to the tarball (a line in the text files, which sit beside it).
 */
export type Block = { h: string } | { p: string } | { warn: string } | { cmd: string[] } | { download: string }

const SYSTEMS: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows', freebsd: 'FreeBSD', openbsd: 'OpenBSD' }
const CPUS: Record<string, Record<GuideLang, string>> = {
  x64: { fr: 'processeur Intel ou AMD 64 bits', en: 'Intel or AMD 64-bit processor' },
  arm64: { fr: 'processeur ARM 64 bits', en: 'ARM 64-bit processor' },
  ia32: { fr: 'processeur Intel ou AMD 32 bits', en: 'Intel or AMD 32-bit processor' },
  arm: { fr: 'processeur ARM 32 bits', en: 'ARM 32-bit processor' }
}

/** The system and processor for people, e.g. `Linux x64`. */
export function platformLabel (platform: string, arch: string): string {
  return `${SYSTEMS[platform] ?? platform} ${arch}`
}

/** The target and what its processor is, e.g. `linux-x64`: Intel or AMD 64-bit processor. */
function targetNote (f: GuideFacts, lang: GuideLang): string {
  const cpu = CPUS[f.arch]?.[lang]
  return cpu === undefined ? `\`${f.target}\`` : `\`${f.target}\`${lang === 'fr' ? ' : ' : ': '}${cpu}`
}

/** Shell lines of each step, for the sharer's system. */
function shell (f: GuideFacts): { hash: string, extract: string, bin: string, alias: string, aliasNote: Record<GuideLang, string> } {
  if (f.platform === 'win32') {
    return {
      hash: `certutil -hashfile ${f.name} SHA256`,
      extract: `tar -xzf ${f.name}`,
      bin: 'node bin\\tamtam.js',
      alias: 'function tamtam { node "$HOME\\tamtam\\bin\\tamtam.js" @args }',
      aliasNote: { fr: 'dans PowerShell, si le dossier `tamtam` est dans votre dossier personnel ; ajoutez la ligne à votre `$PROFILE` pour la garder', en: 'in PowerShell, if the `tamtam` folder is in your home folder; add the line to your `$PROFILE` to keep it' }
    }
  }
  return {
    hash: f.platform === 'darwin' ? `shasum -a 256 ${f.name}` : `sha256sum ${f.name}`,
    extract: `tar xzf ${f.name}`,
    bin: 'node bin/tamtam.js',
    alias: 'alias tamtam="node $PWD/bin/tamtam.js"',
    aliasNote: { fr: 'à taper dans le dossier `tamtam` ; ajoutez la ligne affichée par `alias tamtam` à `~/.bashrc` ou `~/.zshrc` pour la garder', en: 'type it in the `tamtam` folder; add the line that `alias tamtam` prints to `~/.bashrc` or `~/.zshrc` to keep it' }
  }
}

/** The guide in one language. */
export function guide (f: GuideFacts, lang: GuideLang): Block[] {
  return lang === 'fr' ? french(f) : english(f)
}

function french (f: GuideFacts): Block[] {
  const s = shell(f)
  const system = platformLabel(f.platform, f.arch)
  const blocks: Block[] = [
    { h: `tamtam ${f.version} : installer sans Internet` },
    { p: 'tamtam est une messagerie qui continue de marcher sur le réseau local (Wi-Fi, câble) quand Internet est coupé. Quelqu\'un qui l\'a déjà vous le donne ici.' },
    { warn: `Limites : ce paquet ne marche que sur ${system} (${targetNote(f, 'fr')}), le même système et le même processeur que l'ordinateur qui le partage. Il faut Node.js ${nodeMajor(f)} ou plus récent (\`${f.nodeRange}\`) ; cet ordinateur a Node.js ${f.node}. Taille : ${formatBytes(f.size)}.` },
    { h: '1. Télécharger' },
    { download: `Télécharger ${f.name} (${formatBytes(f.size)})` },
    ...(f.baseUrl === undefined ? [] : [{ p: 'Ou dans un terminal :' }, { cmd: [`curl -O ${f.baseUrl}${f.name}`, `curl -O ${f.baseUrl}SHA256SUMS`] }]),
    { h: '2. Vérifier l\'empreinte' },
    { p: `Empreinte SHA-256 attendue : \`${f.sha256}\`` },
    { cmd: [s.hash] },
    { p: 'Le résultat doit être exactement celui-ci. S\'il diffère, le fichier est abîmé ou a été modifié : ne l\'utilisez pas, demandez-le à nouveau.' },
    { warn: 'Comparez aussi cette empreinte avec celle affichée sur l\'écran de la personne qui vous donne tamtam (la ligne `sha256` sous « partage de tamtam ») : demandez-lui de lire à voix haute les 8 premiers et les 8 derniers caractères. Cette page et le fichier viennent du même endroit, sans chiffrement (le même serveur sur le Wi-Fi, ou la même clé USB) : quelqu\'un qui a pu modifier l\'un a pu modifier l\'autre, mais pas ce qui s\'affiche sur son écran.' },
    { h: '3. Extraire et lancer' },
    { cmd: ['node --version', s.extract, 'cd tamtam', `${s.bin} --help`, `${s.bin} init --name VotreNom`] },
    { p: `\`node --version\` doit afficher v${nodeMajor(f)} ou plus. Rien d'autre n'est à installer : tout est dans le dossier \`tamtam\`, sans npm ni Internet.` },
    { h: '4. Facultatif : un raccourci' },
    { cmd: [s.alias] },
    { p: `Ensuite \`tamtam\` suffit (${s.aliasNote.fr}).` },
    { h: 'Ensuite' },
    { p: 'Rejoignez un salon avec le code d\'invitation qu\'on vous donne, puis laissez tamtam tourner sur le réseau local :' },
    { cmd: [`${s.bin} room join CODE`, `${s.bin} up --lan-only`] },
    { p: `Vous pourrez à votre tour donner tamtam à d'autres avec \`${s.bin} share-app\`.` },
    { h: 'Autres systèmes' }
  ]
  if (f.platform !== 'win32') blocks.push({ p: `Windows : ce paquet pour ${SYSTEMS[f.platform] ?? f.platform} n'y marchera pas. Demandez-le à quelqu'un qui a tamtam sous Windows (\`tar\` est inclus dans Windows 10 et plus récent : \`tar -xzf FICHIER.tgz\`).` })
  if (f.platform !== 'darwin') blocks.push({ p: `macOS : ce paquet pour ${SYSTEMS[f.platform] ?? f.platform} n'y marchera pas. Demandez-le à quelqu'un qui a tamtam sur un Mac du même processeur (Apple Silicon ou Intel).` })
  else blocks.push({ p: 'macOS : si le système refuse de charger un fichier `.node`, tapez `xattr -dr com.apple.quarantine tamtam` puis réessayez.' })
  if (f.platform !== 'linux') blocks.push({ p: `Linux : ce paquet pour ${SYSTEMS[f.platform] ?? f.platform} n'y marchera pas.` })
  blocks.push({ p: 'Même système mais autre processeur (par exemple ARM au lieu de x64) : ça ne marchera pas non plus. Téléphones et tablettes : tamtam ne s\'y installe pas.' })
  blocks.push({ h: 'Pas de Node.js ?' })
  blocks.push({ p: `Si \`node --version\` échoue ou affiche moins que v${nodeMajor(f)}, installez d'abord Node.js ${nodeMajor(f)} ou plus récent, par exemple avec un installateur apporté sur une clé USB : ce paquet ne le contient pas.` })
  return blocks
}

function english (f: GuideFacts): Block[] {
  const s = shell(f)
  const system = platformLabel(f.platform, f.arch)
  const blocks: Block[] = [
    { h: `tamtam ${f.version}: install with no Internet` },
    { p: 'tamtam is a chat that keeps working on the local network (Wi-Fi, cable) when the Internet is cut. Someone who already has it gives it to you here.' },
    { warn: `Limits: this package only runs on ${system} (${targetNote(f, 'en')}), the same system and processor as the computer sharing it. It needs Node.js ${nodeMajor(f)} or newer (\`${f.nodeRange}\`); this computer has Node.js ${f.node}. Size: ${formatBytes(f.size)}.` },
    { h: '1. Download' },
    { download: `Download ${f.name} (${formatBytes(f.size)})` },
    ...(f.baseUrl === undefined ? [] : [{ p: 'Or in a terminal:' }, { cmd: [`curl -O ${f.baseUrl}${f.name}`, `curl -O ${f.baseUrl}SHA256SUMS`] }]),
    { h: '2. Check the fingerprint' },
    { p: `Expected SHA-256 fingerprint: \`${f.sha256}\`` },
    { cmd: [s.hash] },
    { p: 'The result must be exactly this one. If it differs, the file is damaged or was changed: do not use it, ask for it again.' },
    { warn: 'Also compare this fingerprint with the one shown on the screen of the person giving you tamtam (the `sha256` line under "sharing tamtam"): ask them to read the first 8 and the last 8 characters aloud. This page and the file come from the same place, unencrypted (the same server on the Wi-Fi, or the same USB stick): whoever could change one could change the other, but not what their screen shows.' },
    { h: '3. Extract and run' },
    { cmd: ['node --version', s.extract, 'cd tamtam', `${s.bin} --help`, `${s.bin} init --name YourName`] },
    { p: `\`node --version\` must print v${nodeMajor(f)} or above. Nothing else needs installing: everything is in the \`tamtam\` folder, with no npm and no Internet.` },
    { h: '4. Optional: a shortcut' },
    { cmd: [s.alias] },
    { p: `Then \`tamtam\` is enough (${s.aliasNote.en}).` },
    { h: 'Next' },
    { p: 'Join a room with the invite code you are given, then keep tamtam running on the local network:' },
    { cmd: [`${s.bin} room join CODE`, `${s.bin} up --lan-only`] },
    { p: `You can then give tamtam to others in turn with \`${s.bin} share-app\`.` },
    { h: 'Other systems' }
  ]
  if (f.platform !== 'win32') blocks.push({ p: `Windows: this package for ${SYSTEMS[f.platform] ?? f.platform} will not run there. Ask someone who has tamtam on Windows (\`tar\` is built into Windows 10 and later: \`tar -xzf FILE.tgz\`).` })
  if (f.platform !== 'darwin') blocks.push({ p: `macOS: this package for ${SYSTEMS[f.platform] ?? f.platform} will not run there. Ask someone who has tamtam on a Mac with the same processor (Apple Silicon or Intel).` })
  else blocks.push({ p: 'macOS: if the system refuses to load a `.node` file, type `xattr -dr com.apple.quarantine tamtam` and try again.' })
  if (f.platform !== 'linux') blocks.push({ p: `Linux: this package for ${SYSTEMS[f.platform] ?? f.platform} will not run there.` })
  blocks.push({ p: 'Same system but another processor (ARM instead of x64, say): it will not run either. Phones and tablets: tamtam does not install there.' })
  blocks.push({ h: 'No Node.js?' })
  blocks.push({ p: `If \`node --version\` fails or prints less than v${nodeMajor(f)}, first install Node.js ${nodeMajor(f)} or newer, for example from an installer brought on a USB stick: this package does not contain it.` })
  return blocks
}

/** The lowest Node.js major version the range allows (`>=20` gives 20). */
function nodeMajor (f: GuideFacts): string {
  return /(\d+)/.exec(f.nodeRange)?.[1] ?? '20'
}
