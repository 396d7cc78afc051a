package cli

import (
	"fmt"
	"regexp"
	"strings"

	"nrm"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// helpText is the Danish help of one command: its short and long
// description and the usage of each of its flags, by flag name.
type helpText struct {
	short, long string
	flags       map[string]string
}

// localizeHelp puts the help of the command tree under root in lang
// before cobra prints it. Danish takes every command's Short and Long and
// every flag's usage from helpDA, the argument words of each usage line
// from useWordsDA, and cobra's own words ("Usage:", "Flags:", "(default
// …)") from a Danish usage template; English is the tree as written. A
// command or flag without Danish keeps its English (the tests refuse
// that).
func localizeHelp(root *cobra.Command, lang nrm.Lang) {
	if lang != nrm.LangDA {
		return
	}
	root.SetUsageTemplate(usageTemplateDA)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if h, ok := helpDA[c.CommandPath()]; ok {
			if h.short != "" {
				c.Short = h.short
			}
			c.Long = h.long
			for name, usage := range h.flags {
				if f := c.Flags().Lookup(name); f != nil {
					f.Usage = usage
				}
				if f := c.PersistentFlags().Lookup(name); f != nil {
					f.Usage = usage
				}
			}
		}
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = "hjælp til " + c.Name()
		}
		c.Use = useDA(c.Use)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// installHelp makes root print its help (and every command's) in the
// language of the command line: --lang, else NRM_LANG, else Danish.
func installHelp(root *cobra.Command, env *Env) {
	english := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		localizeHelp(root, env.lang())
		english(c, args)
	})
}

var useWord = regexp.MustCompile(`\b[A-Z][A-Z_]*\b`)

// useWordsDA are the argument words of usage lines in Danish.
var useWordsDA = map[string]string{
	"FILE": "FIL", "DIR": "MAPPE", "TEXT": "TEKST", "CASE_REF": "SAGSREF", "KIND": "TYPE", "USERNAME": "BRUGERNAVN",
	"KEY": "NØGLE", "VALUE": "VÆRDI", "BUNDLE": "BUNDT", "GROUP": "GRUPPE", "CODE": "KODE", "LINE": "LINJE",
	"CONSENT_ID": "SAMTYKKE_ID", "YYYY": "ÅÅÅÅ", "MM": "MM", "DD": "DD", "ORG": "ORG", "PLAN": "PLAN", "KR": "KR",
	"TITLE": "TITEL",
}

// useDA returns a command's Use with its argument words in Danish.
func useDA(use string) string {
	name, args, ok := strings.Cut(use, " ")
	if !ok {
		return use
	}
	args = useWord.ReplaceAllStringFunc(args, func(w string) string {
		if da, ok := useWordsDA[w]; ok {
			return da
		}
		return w
	})
	args = strings.ReplaceAll(args, "[flags]", "[flag]")
	return name + " " + strings.ReplaceAll(args, "[command]", "[kommando]")
}

func init() {
	cobra.AddTemplateFunc("flagUsagesDA", flagUsagesDA)
	cobra.AddTemplateFunc("useLineDA", func(c *cobra.Command) string {
		return strings.ReplaceAll(c.UseLine(), "[flags]", "[flag]")
	})
}

// usageTemplateDA is cobra's usage template in Danish.
const usageTemplateDA = `Brug:{{if .Runnable}}
  {{useLineDA .}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [kommando]{{end}}{{if gt (len .Aliases) 0}}

Andre navne:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Eksempler:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Kommandoer:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flag:
{{flagUsagesDA .LocalFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Fælles flag:
{{flagUsagesDA .InheritedFlags | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

Andre hjælpeemner:{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

Skriv "{{.CommandPath}} [kommando] --help" for at få mere at vide om en kommando.{{end}}
`

// flagTypesDA names the types of flag values in Danish.
var flagTypesDA = map[string]string{
	"string": "tekst", "int": "tal", "int64": "tal", "int32": "tal", "uint": "tal", "uint64": "tal", "float64": "tal",
	"float32": "tal", "duration": "varighed", "stringArray": "tekst", "stringSlice": "tekster", "bool": "",
}

// flagUsagesDA lists flags as pflag's FlagUsages does, with Danish type
// names and "(standard …)" for a default.
func flagUsagesDA(fs *pflag.FlagSet) string {
	var lines []string
	maxlen := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		line := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			line = "  -" + f.Shorthand + ", --" + f.Name
		}
		typ, ok := flagTypesDA[f.Value.Type()]
		if !ok {
			typ = f.Value.Type()
		}
		if typ != "" {
			line += " " + typ
		}
		line += "\x00" + f.Usage
		if !zeroDefault(f.DefValue) {
			if f.Value.Type() == "string" {
				line += fmt.Sprintf(" (standard %q)", f.DefValue)
			} else {
				line += fmt.Sprintf(" (standard %s)", f.DefValue)
			}
		}
		if i := strings.Index(line, "\x00"); i > maxlen {
			maxlen = i
		}
		lines = append(lines, line)
	})
	var b strings.Builder
	for _, l := range lines {
		i := strings.Index(l, "\x00")
		fmt.Fprintln(&b, l[:i], strings.Repeat(" ", maxlen-i), l[i+1:])
	}
	return b.String()
}

func zeroDefault(v string) bool {
	switch v {
	case "", "0", "false", "[]", "0s", "<nil>":
		return true
	}
	return false
}

const (
	flagJSONLines = "skriv JSON, én linje pr. post"
	flagDateToday = "dato ÅÅÅÅ-MM-DD (standard: i dag)"
	flagOutput    = "fil at skrive til (standard: standardoutput)"
	flagCutoff    = "opgørelsesdato ÅÅÅÅ-MM-DD (standard: 1. marts året efter)"
)

// helpDA is the Danish help of every command, by command path.
var helpDA = map[string]helpText{
	"nrm": {
		short: "Den nationale henvisningsmekanisme mod menneskehandel: sager, statistik, handlingsplan og den årlige statusrapport",
		long: `nrm rummer sagsdata for en national henvisningsmekanisme mod menneskehandel,
styrer arbejdsgangen, følger den nationale handlingsplan og laver den årlige
statusrapport til Folketinget — tabeller, figurer og tekst — uden at udstille et offer.`,
		flags: map[string]string{
			"db":       "database: en SQLite-fil eller en postgres://-adresse (miljøvariablen NRM_DB)",
			"key-file": "fil med nøglerne, der krypterer identifikationsoplysninger (NRM_KEY_FILE; standard: databasens sti + .key, eller ./nrm.key for PostgreSQL; NRM_KEYS rummer nøglerne direkte)",
			"lang":     "sprog for beskeder, hjælp og rapporter: da (standard) eller en (NRM_LANG)",
		},
	},
	"nrm help": {
		short: "Hjælp til en kommando",
		long: `Viser hjælpen til en kommando.
Skriv nrm help [sti til kommandoen] for at få alle detaljer.`,
	},
	"nrm completion": {
		short: "Lav et script til automatisk udfyldning i den valgte skal",
		long: `Laver et script, der udfylder nrm's kommandoer og flag automatisk i den valgte skal.
Se hjælpen til hver underkommando for, hvordan scriptet bruges.`,
	},
	"nrm completion bash": {
		short: "Lav scriptet til automatisk udfyldning i bash",
		long: `Laver scriptet til automatisk udfyldning i bash.

Scriptet kræver pakken bash-completion. Er den ikke installeret, kan den
installeres med styresystemets pakkehåndtering.

Indlæs udfyldningen i den aktuelle skal:

	source <(nrm completion bash)

Indlæs den i hver ny skal ved at køre én gang:

#### Linux:

	nrm completion bash > /etc/bash_completion.d/nrm

#### macOS:

	nrm completion bash > $(brew --prefix)/etc/bash_completion.d/nrm

Start en ny skal, før opsætningen virker.`,
		flags: map[string]string{"no-descriptions": "udelad beskrivelserne i udfyldningen"},
	},
	"nrm completion fish": {
		short: "Lav scriptet til automatisk udfyldning i fish",
		long: `Laver scriptet til automatisk udfyldning i fish.

Indlæs udfyldningen i den aktuelle skal:

	nrm completion fish | source

Indlæs den i hver ny skal ved at køre én gang:

	nrm completion fish > ~/.config/fish/completions/nrm.fish

Start en ny skal, før opsætningen virker.`,
		flags: map[string]string{"no-descriptions": "udelad beskrivelserne i udfyldningen"},
	},
	"nrm completion powershell": {
		short: "Lav scriptet til automatisk udfyldning i PowerShell",
		long: `Laver scriptet til automatisk udfyldning i PowerShell.

Indlæs udfyldningen i den aktuelle skal:

	nrm completion powershell | Out-String | Invoke-Expression

Indlæs den i hver ny skal ved at føje outputtet af kommandoen ovenfor til
din PowerShell-profil.`,
		flags: map[string]string{"no-descriptions": "udelad beskrivelserne i udfyldningen"},
	},
	"nrm completion zsh": {
		short: "Lav scriptet til automatisk udfyldning i zsh",
		long: `Laver scriptet til automatisk udfyldning i zsh.

Er automatisk udfyldning ikke slået til i din skal, skal den slås til. Det kan
gøres ved at køre én gang:

	echo "autoload -U compinit; compinit" >> ~/.zshrc

Indlæs udfyldningen i den aktuelle skal:

	source <(nrm completion zsh)

Indlæs den i hver ny skal ved at køre én gang:

#### Linux:

	nrm completion zsh > "${fpath[1]}/_nrm"

#### macOS:

	nrm completion zsh > $(brew --prefix)/share/zsh/site-functions/_nrm

Start en ny skal, før opsætningen virker.`,
		flags: map[string]string{"no-descriptions": "udelad beskrivelserne i udfyldningen"},
	},

	"nrm audit": {short: "Gennemse, kontrollér og forankr den manipulationssikre revisionslog"},
	"nrm audit anchor": {
		short: "Føj et signeret kontrolpunkt for revisionskæden til en ankerfil uden for databasen",
		long: `Kontrollerer revisionskæden siden sidste anker og føjer et kontrolpunkt for dens
hoved — postens nummer, dens hash, tidspunktet og revisionsnøglens id, signeret med
HMAC-SHA-256 under revisionsnøglen og kædet til ankeret før — til filen
audit-anchors.jsonl i MAPPE, som kun kan tilføjes (mappen oprettes med tilstand 0700,
filen 0600). Hold MAPPE væk fra databasen: en anden maskine, et medie, der kun kan
skrives én gang, eller et drev, der sikkerhedskopieres for sig. nrm audit verify
--anchors MAPPE finder derefter fjernede poster og en genberegnet kæde.`,
		flags: map[string]string{"to": "ankermappe (NRM_ANCHOR_DIR)"},
	},
	"nrm audit list": {
		short: "Skriv revisionsloggens poster som JSON-linjer",
		flags: map[string]string{
			"after":  "kun poster efter dette nummer",
			"entity": "kun denne type post, fx case",
			"id":     "kun denne posts id",
			"limit":  "højst så mange poster",
			"user":   "kun denne bruger",
		},
	},
	"nrm audit verify": {
		short: "Gennemgå den nøglede hash-kæde og meld hver rettet, slettet eller flyttet post",
		long: `Gennemgår revisionsloggens hash-kæde: hver posts nummer, dens kæde til posten før og
dens hash, en HMAC-SHA-256 under den revisionsnøgle, posten nævner (fra nøglefilen;
poster fra før revisionsnøglerne har en almindelig SHA-256-hash). Med --anchors MAPPE
(standard $NRM_ANCHOR_DIR) sammenlignes kæden også med de signerede kontrolpunkter,
som nrm audit anchor og nrm serve --anchor-dir har skrevet dér; det finder fjernede
nyeste poster og en kæde, der er beregnet forfra, og ankerfilen kontrolleres for
rettelser. Hvert brud meldes med nummeret på den post, hvor kæden brydes.`,
		flags: map[string]string{"anchors": "mappe med ankerfilen, kæden sammenlignes med (NRM_ANCHOR_DIR)"},
	},
	"nrm backup": {
		short: "Skriv en konsistent kopi af databasen til FIL, mens nrm kører videre",
		long: `Skriver en konsistent kopi af hele databasen til FIL, som ikke må findes i forvejen.
SQLite: VACUUM INTO (skrivning fortsætter imens). PostgreSQL: pg_dump --format=custom
i ét øjebliksbillede (pg_dump skal være installeret). Sikkerhedskopien rummer
identifikationsoplysningerne forseglet; nøglefilen er ikke med — opbevar de to hver
for sig, og opbevar begge.`,
	},
	"nrm restore": {
		short: "Indlæs en sikkerhedskopi i databasen angivet med --db (ny eller tom; --force erstatter)",
		long: `Indlæser en sikkerhedskopi lavet med nrm backup i databasen angivet med --db: en ny
SQLite-fil eller en tom PostgreSQL-database (pg_restore skal være installeret).
--force erstatter en eksisterende database; stop først alle nrm, der bruger den.
Den gendannede database skal bruge nøglefilen fra den database, kopien kom fra
(--key-file eller NRM_KEYS); der laves ingen ny nøgle. Før noget erstattes, prøves
nøglerne på sikkerhedskopiens forseglede identifikationsoplysninger: en kopi, de
ikke åbner, afvises med navnene på de nøgler, den kræver. Revisionskæden
kontrolleres efter gendannelsen.`,
		flags: map[string]string{"force": "erstat en eksisterende database"},
	},

	"nrm case": {short: "Vis en sag og dens historik; tilføj, ret og annullér oplysninger; vurdér, afslut og genåbn"},
	"nrm case add": {
		short: "Tilføj en oplysning: en kontakt, refleksionsperiode, et ophold, tilbud eller en anmodning om genoptagelse",
		long: `Tilføjer en oplysning til en sag. TYPE er en af contacts, reflection_periods,
accommodations, offers, reconsiderations (vurderinger, udtræden og genåbning har deres
egne kommandoer: nrm case assess, exit, reopen). Felterne er JSON-navnene, som
"nrm case show --json" viser dem, fx --set date=2024-03-01 --set form=police for en
kontakt. En genoptagelse uden frist får anmodningens dato plus indstillingen
reconsideration.days (standard 30). Oplysninger dateret efter sagens udtræden afvises,
indtil sagen er genåbnet.`,
		flags: map[string]string{
			"json": "oplysningen som et JSON-objekt",
			"set":  "felt=værdi (kan gentages); lister adskilles af ;",
		},
	},
	"nrm case assess": {
		short: "Registrér en kompetent myndigheds afgørelse: foreløbig (formodet offer) eller endelig",
		long: `Registrerer en vurdering. US (Udlændingestyrelsen) vurderer asylansøgere og personer
uden lovligt ophold, CMM (Center mod Menneskehandel) personer med lovligt ophold; en
anden myndighed kræver --override-reason. En endelig identifikation kræver mindst én
--form. Begrundelsen gemmes krypteret. Resultater: identified (vurderet handlet),
not_identified (ikke vurderet handlet), pending (afventer); udnyttelsesformer: sexual,
forced_labour, forced_criminality, begging, forced_marriage, organ_removal, other.`,
		flags: map[string]string{
			"authority":       "US eller CMM (skal angives)",
			"country":         "udnyttelsesland, ISO 3166-1 alpha-2-kode",
			"date":            "afgørelsens dato ÅÅÅÅ-MM-DD (skal angives)",
			"form":            "en udnyttelsesform (kan gentages eller adskilles af komma)",
			"notified":        "datoen, personen fik besked, ÅÅÅÅ-MM-DD",
			"outcome":         "identified, not_identified eller pending (skal angives)",
			"override-reason": "hvorfor en anden myndighed end den, opholdsgrundlaget peger på, afgør sagen",
			"reasons":         "begrundelse for afgørelsen (gemmes krypteret)",
			"reconsideration": "den genoptagelse, denne endelige afgørelse afgør (nummer fra case show): identified omgør, not_identified stadfæster",
			"sector":          "branche ved tvangsarbejde: domestic_work, cleaning, agriculture, construction, hospitality, manufacturing, fishing, transport, other",
			"setting":         "hvor tvangsarbejdet fandt sted, i generelle vendinger (kun med udnyttelsesformen forced_labour): private_home, offices_schools, hotels_restaurants, farms, construction_sites, factories, shops, ships, other",
			"stage":           "preliminary (formodet offer) eller final (endelig) (skal angives)",
		},
	},
	"nrm case correct": {
		short: "Ret sagens egne felter og identifikationsoplysninger, eller én oplysning (--fact TYPE:NR), med en begrundelse",
		long: `Retter en registreret værdi. Uden --fact ændres sagens egne felter: gender,
birth_year, nationality, residence_status og identifiers.name, identifiers.aliases,
identifiers.birth_date, identifiers.document_numbers, identifiers.phone,
identifiers.address, identifiers.notes. Med --fact TYPE:NR (numre fra "nrm case show")
ændres felterne i den oplysning, efter deres JSON-navne. En tom værdi rydder et felt;
lister adskilles af ";". At ændre eller rydde en registreret værdi kræver --reason
(at udfylde et tomt felt gør ikke); historikken gemmer begrundelsen, revisionsloggen
nævner de ændrede felter, aldrig deres værdier.`,
		flags: map[string]string{
			"fact":   "oplysningen, der rettes, TYPE:NR som vist af nrm case show",
			"json":   "felterne, der ændres, som et JSON-objekt (null rydder et felt)",
			"reason": "hvorfor den registrerede værdi rettes (gemmes krypteret i historikken)",
			"set":    "felt=værdi (kan gentages); en tom værdi rydder feltet",
		},
	},
	"nrm case exit": {
		short: "Registrér personens udtræden, som afslutter sagen",
		long: `Registrerer en udtræden: sagen afsluttes på dens dato. Ophold og refleksionsperioder,
der stadig er åbne på datoen, afviser udtræden, medmindre --end-open bekræfter, at de
slutter på datoen for udtræden. En afsluttet sag kan først få en ny udtræden efter
"nrm case reopen". Former: prepared_return, return_via_social_org, return_via_police,
self_return, disappeared, residence_permit, asylum, other.`,
		flags: map[string]string{
			"date":     "datoen for udtræden ÅÅÅÅ-MM-DD (skal angives)",
			"end-open": "afslut de ophold og refleksionsperioder, der stadig er åbne på datoen for udtræden",
			"kind":     "hvordan personen forlod forløbet (skal angives): prepared_return, return_via_social_org, return_via_police, self_return, disappeared, residence_permit, asylum, other",
		},
	},
	"nrm case history": {
		short: "Vis en sags versioner: hvem ændrede den, hvornår, hvilke felter og hvorfor",
		flags: map[string]string{"json": "skriv JSON (uden øjebliksbillederne, som rummer identifikationsoplysninger)"},
	},
	"nrm case reopen": {
		short: "Genåbn en afsluttet sag på en dato, med en begrundelse (kræves for oplysninger efter udtræden)",
		flags: map[string]string{
			"date":   "datoen for genåbning ÅÅÅÅ-MM-DD, samme dag som eller efter udtræden (skal angives)",
			"reason": "hvorfor sagen genåbnes (skal angives)",
		},
	},
	"nrm case show": {
		short: "Vis en sag med dens oplysninger (og deres numre til rettelser), henvisninger og samtykker",
		long: `Viser en sag: dens egne felter, hver registreret oplysning med det nummer, som
"nrm case correct" og "nrm case void" tager (--fact TYPE:NR), dens henvisninger og
samtykker. Direkte identifikationsoplysninger og forseglet fritekst (begrundelser for
afgørelser, grundlag, begrundelser for henvisninger) vises kun med --identifiers;
opslaget logges i revisionsloggen.`,
		flags: map[string]string{
			"identifiers": "medtag direkte identifikationsoplysninger og forseglet fritekst",
			"json":        "skriv sagen som JSON",
		},
	},
	"nrm case void": {
		short: "Annullér en registreret oplysning (den forlader sagen; historikken beholder den), med en begrundelse",
		flags: map[string]string{
			"fact":   "oplysningen, der annulleres, TYPE:NR som vist af nrm case show (skal angives)",
			"reason": "hvorfor oplysningen annulleres (skal angives)",
		},
	},

	"nrm consent": {short: "Registrér eller tilbagekald en persons samtykke til henvisning, deling og statistik"},
	"nrm consent give": {
		short: "Registrér et samtykke, personen har givet",
		flags: map[string]string{
			"date":       "datoen for samtykket ÅÅÅÅ-MM-DD (skal angives)",
			"given-by":   `hvem der gav det: "personen" eller en værges rolle`,
			"scope":      "hvad personen giver samtykke til, adskilt af komma: refer (henvisning), share (deling), statistics (statistik) (skal angives)",
			"share-with": "ved share: organisationerne, adskilt af komma",
		},
	},
	"nrm consent withdraw": {
		short: "Tilbagekald et samtykke: den adgang og deling, det gav, ophører på datoen",
		flags: map[string]string{"date": "datoen for tilbagekaldelsen ÅÅÅÅ-MM-DD (standard: i dag)"},
	},

	"nrm countries":        {short: "Vis eller redigér koblingen mellem nationalitet og oprindelsesregion"},
	"nrm countries import": {short: "Indlæs en redigeret fil med koblingen (code,name_da,name_en,region)"},
	"nrm countries list":   {short: "Skriv koblingen som CSV"},
	"nrm demo": {
		short: "Indlæs demodata: organisationer, sagerne 2007–2012, tal for retsforfølgning, handlingsplanen 2011–2014 med resultater, bevillinger, arbejdsgrupper og evaluering, referencenetværket og de opsøgende tilbuds besøgstal",
	},
	"nrm evaluation":        {short: "Den eksterne evaluering af en handlingsplan ved dens afslutning: show, set, delete"},
	"nrm evaluation delete": {short: "Slet en plans evaluering"},
	"nrm evaluation set": {
		short: "Registrér eller erstat en plans evaluering (koordinerende ministerium)",
		flags: map[string]string{
			"date":              "evalueringens dato, ÅÅÅÅ-MM-DD",
			"evaluator":         "hvem der evaluerede planen",
			"link":              "evalueringsrapporten: en http(s)-adresse eller en filreference",
			"recommendation":    "en anbefaling på dansk (kan gentages)",
			"recommendation-en": "den samme anbefaling på engelsk (kan gentages, i samme rækkefølge)",
			"summary":           "resultater og konklusioner på dansk",
			"summary-en":        "resultater og konklusioner på engelsk",
		},
	},
	"nrm evaluation show": {
		short: "Vis en plans evaluering: evaluator, dato, resultater, anbefalinger og rapportens link",
		flags: map[string]string{"json": "skriv JSON"},
	},
	"nrm export": {
		short: "Skriv alle sager som et bundt (samme format som import; rummer fødselsdatoer — opbevar det sikkert)",
		flags: map[string]string{
			"identifiers": "skriv også navne, andre navne, dokumentnumre, telefon, adresse og noter (identifiers.csv, ukrypteret)",
		},
	},
	"nrm export htcds": {
		short: "Skriv årets identificerede ofre som en k-anonymiseret HTCDS 2.0-sagsfil (eller CTDC) (CSV)",
		long: `Skriver én række pr. person, der er identificeret i --year (kun statistiske oplysninger:
ingen reference eller identifikationsoplysning), med feltnavnene og værdierne fra IOM's
Human Trafficking Case Data Standard 2.0 (prs_Gender, prs_Citizenship, vic_TraffickingStatus,
vic_TypeOfExploitation, vic_ForcedLabourIndustry, cas_ReferringOrganisation, ...), eller med
--variant ctdc kolonnerne i IOM's globale CTDC-datasæt (-99 for ukendt), k-anonymiseret:
i sjældne kombinationer udelades aldersgruppen, den henvisende organisation, branchen for
tvangsarbejde, udnyttelseslandet og statsborgerskabet i den rækkefølge (aldrig erstattet af
en region), og rækker, der stadig er sjældnere end k, udelades. Standard k = 11 (CTDC's
grænse); se intlexport/README.md.`,
		flags: map[string]string{
			"cutoff":  flagCutoff,
			"k":       "hver kombination af kvasi-identifikatorer forekommer mindst k gange (1 = alle detaljer)",
			"output":  "CSV-fil at skrive til (standard: standardoutput)",
			"variant": "htcds (feltnavne fra HTCDS 2.0) eller ctdc (kolonnerne i CTDC's globale datasæt)",
			"year":    "år for identifikationen, fx 2011",
		},
	},
	"nrm federate": {
		short: "Udveksl statistik med diskretion mellem lande (signerede bundter af sammentællinger; ingen mikrodata)",
		long: `Statistik for flere lande uden delte mikrodata: hvert land eksporterer et signeret
bundt af sammentællinger for ét rapportår med diskretion (federate export); et knudepunkt
kontrollerer bundterne mod de offentlige nøgler, det stoler på, og samler dem i én tabel
for flere lande (federate merge).`,
	},
	"nrm federate export": {
		short: "Skriv årets statistik som et signeret bundt af sammentællinger, hvor hvert persontal under k er skjult",
		flags: map[string]string{
			"country": "landets ISO 3166-1 alpha-2-kode",
			"cutoff":  flagCutoff,
			"k":       "diskretionsgrænse: persontal under k skjules",
			"key":     "fil med signeringsnøglen (federate keygen)",
			"output":  flagOutput,
			"year":    "rapportår",
		},
	},
	"nrm federate keygen": {
		short: "Lav en ed25519-signeringsnøgle (FIL, tilstand 0600) og skriv den offentlige nøgle til knudepunktets tillidsfil",
		flags: map[string]string{
			"country": "landekode, der skrives foran den offentlige nøgle",
			"out":     "fil til den private nøgle (må ikke findes i forvejen)",
		},
	},
	"nrm federate merge": {
		short: "Kontrollér signerede bundter og saml dem i én tabel for flere lande",
		long: `Kontrollerer hvert bundts signatur mod tillidsfilen (linjer "LAND ed25519:NØGLE"; en
nøgle signerer kun for sit land) og samler bundterne for ét år i én tabel for flere
lande: pr. linje hvert lands tal og i alt — summen, hvor intet land har skjult et tal,
ellers tegnet for et skjult tal.`,
		flags: map[string]string{
			"format": "json eller md",
			"output": flagOutput,
			"trust":  "tillidsfil: LAND ed25519:NØGLE pr. linje",
		},
	},
	"nrm funding": {short: "Finansiering af handlingsplanens aktiviteter pr. år og bevillingslinje: list, set"},
	"nrm funding list": {
		short: "Vis en plans finansiering: bevilget og forbrugt pr. aktivitet, år og bevillingslinje",
	},
	"nrm funding set": {
		short: "Angiv bevilling og forbrug for en aktivitet i et år og på en bevillingslinje",
		flags: map[string]string{
			"activity":  "aktivitetskode, fx 2.1.3",
			"allocated": "bevilget, i kroner",
			"line":      "bevillingslinje, fx satspulje, bistand, politiet",
			"note":      "bemærkning",
			"spent":     "forbrugt, i kroner",
			"year":      "år",
		},
	},
	"nrm gen": {
		short: "Skriv et syntetisk databundt af enhver størrelse (det samme for samme frø; ingen virkelige personer)",
		long: `Skriver et syntetisk bundt — cases.csv, accommodations.csv, exits.csv, prosecutions.csv —
med fordelinger som i den danske statusrapport (nationaliteter, kontaktformer, køn, alder,
udnyttelsesformer, US/CMM efter opholdsgrundlag, ophold på krisecenter, udtræden). De samme
valg giver de samme filer byte for byte. Bruges til ydelsesmålinger og belastningstest.`,
		flags: map[string]string{
			"cases": "antal sager",
			"out":   "mappe at skrive til",
			"seed":  "frø til tilfældighedsgeneratoren",
			"years": "årene for de første kontakter, A-B",
		},
	},
	"nrm groups": {
		short: "Handlingsplanens arbejdsgrupper (tværministerielle, tematiske, opfølgende): list, import, export, meeting",
	},
	"nrm groups export": {short: "Eksportér arbejdsgrupperne som YAML til standardoutput"},
	"nrm groups import": {short: "Opret eller erstat arbejdsgrupper fra en YAML-fil (- for standardinput)"},
	"nrm groups list":   {short: "Vis arbejdsgrupperne med formand, medlemmer, møder og åbne handlinger"},
	"nrm groups meeting": {
		short: "Registrér et møde i en arbejdsgruppe med referat",
		flags: map[string]string{
			"date":       "mødedato, ÅÅÅÅ-MM-DD",
			"minutes":    "referat på dansk",
			"minutes-en": "referat på engelsk",
		},
	},
	"nrm import": {
		short: "Indlæs et databundt (mappe eller .zip med CSV-filer, eller en .xlsx-projektmappe), alt eller intet",
		long: `Indlæser et bundt: cases.csv, accommodations.csv, exits.csv, prosecutions.csv (se README).
Hver række kontrolleres først; én forkert række betyder, at intet gemmes, og hvert problem
vises med fil, linje, kolonne, værdi og hvad der var forventet. Genindlæses det samme
bundt, ændres intet; en ændret række opdaterer sin sag.

Bundtet læses inden for grænser (en celle, en række, rækkerne i en fil, den udpakkede
størrelse, komprimeringsgraden af en zip- eller XLSX-del); et bundt ud over dem afvises
med én besked. Hæv en grænse med dens flag, når virkelige data kræver det.`,
		flags: map[string]string{
			"check":                "kontrollér kun bundtet; gem intet",
			"max-field":            "største celle, i byte",
			"max-line":             "største række, i byte",
			"max-ratio":            "højeste komprimeringsgrad for en zip- eller XLSX-del (værn mod zip-bomber)",
			"max-rows":             "flest datarækker i én fil eller ét ark",
			"max-size":             "største udpakkede størrelse af hele bundtet, i byte",
			"progress":             "vis en statuslinje",
			"replace-prosecutions": "lad bundtets prosecutions.csv erstatte politiets tal, der allerede findes for dets år",
		},
	},
	"nrm init": {
		short: "Opret en ny, tom database og dens nøglefil",
		long: `Opretter en ny, tom database ved --db med referencedata (lande og regioner) og dens
nøglefil (--key-file, standard: databasens sti + .key), når der ingen er. En
SQLite-database og dens nøglefil kan kun læses af ejeren (tilstand 0600), i mapper med
tilstand 0700. En eksisterende database røres ikke. Kun nrm init, nrm demo, nrm import,
nrm restore og nrm serve --demo opretter en database; alle andre kommandoer afviser en
--db, der ikke angiver en. For PostgreSQL bringer init en eksisterende (tom) database op
til det aktuelle skema.
Opret derefter den første administrator: nrm user add NAVN --role admin --org ORG.`,
	},
	"nrm keys": {short: "Håndtér nøglerne, der krypterer identifikationsoplysninger og nøgler revisionsloggen"},
	"nrm keys rotate": {
		short: "Lav en ny nøgle, genkryptér alle identifikationsoplysninger og TOTP-hemmeligheder med den, og fjern de gamle nøgler",
		long: `Laver en ny nøgle og føjer den til nøglefilen, genkrypterer alle sagers
identifikationsoplysninger og alle TOTP-hemmeligheder med den i én transaktion og skriver
derefter nøglefilen igen med kun den nye nøgle. En ny revisionsnøgle tilføjes også og
nøgler revisionsposterne fra da af; alle ældre revisionsnøgler bliver i filen, så ældre
poster og ankre kan kontrolleres. Personsøgningens indeks bygges i samme transaktion op
igen under en ny søgeindeksnøgle. Går noget galt, beholder nøglefilen både den gamle og
den nye nøgle, så alt stadig kan åbnes. Sikkerhedskopier fra før rotationen kræver den
gamle nøgle: behold den med --keep-old-keys, eller acceptér, at gamle sikkerhedskopier
ikke længere kan læses. Genstart kørende servere bagefter, så de indlæser den nye nøgle.`,
		flags: map[string]string{
			"keep-old-keys": "behold de gamle nøgler i nøglefilen (kræves for at læse sikkerhedskopier fra før rotationen)",
		},
	},
	"nrm outreach": {short: "De opsøgende tilbuds besøg pr. år med ændringen i forhold til året før: list, set"},
	"nrm outreach list": {
		short: "Vis hvert opsøgende tilbuds besøg pr. år, ændringen i forhold til året før og udviklingen",
		flags: map[string]string{"json": flagJSONLines},
	},
	"nrm outreach set": {
		short: "Registrér (eller ret) et opsøgende tilbuds besøgstal for en periode",
		flags: map[string]string{
			"consultations": "antal sundheds- eller rådgivningssamtaler",
			"visits":        "antal besøg",
		},
	},
	"nrm outputs": {short: "Resultaterne af handlingsplanens aktiviteter: list, add, import, export"},
	"nrm outputs add": {
		short: "Tilføj et resultat til en aktivitet i en plan",
		flags: map[string]string{
			"activity":     "aktivitetskode, fx 2.1.3",
			"amount":       "beløb i kroner, fx et tilskud",
			"audience":     "målgruppe, fx sundhedspersonale",
			"audience-en":  "målgruppe på engelsk, fx health staff",
			"date":         "præcis dato, ÅÅÅÅ-MM-DD",
			"events":       "antal kurser, arrangementer eller eksemplarer",
			"kind":         "type: training, campaign, publication, study, study_trip, international_project, other",
			"link":         "en http(s)-adresse eller en filreference",
			"org":          "kode for organisationen, der leverede det",
			"participants": "deltagere, der er uddannet, eller personer, der er nået",
			"period":       "perioden, det fandt sted eller begyndte: et år (2012) eller en del af et: 2012-05, 2012-Q3, 2012-H1, 2012-spring (forår) eller 2012-autumn (efterår)",
			"text":         "beskrivelse på dansk",
			"text-en":      "beskrivelse på engelsk",
			"title":        "titel på dansk",
			"title-en":     "titel på engelsk",
			"until":        "sidste periode, for et resultat, der løb længere",
		},
	},
	"nrm outputs export": {
		short: "Eksportér en plans resultater (YAML med finansieringen og evalueringen, eller CSV) til standardoutput",
		flags: map[string]string{"format": "yaml eller csv"},
	},
	"nrm outputs import": {
		short: "Importér resultater (og fra YAML finansiering og evalueringen) fra en YAML- eller CSV-fil (- for standardinput som YAML), alt eller intet",
		flags: map[string]string{
			"replace": "erstat planens resultater (og, med finansiering i filen, dens finansiering) i stedet for at tilføje",
		},
	},
	"nrm outputs list": {
		short: "Vis en plans resultater (kurser, kampagner, publikationer, undersøgelser, studieture, internationale projekter)",
		flags: map[string]string{"json": flagJSONLines},
	},
	"nrm publish": {
		short: "Fastfrys en offentliggjort udgave af et års statistik (list, show)",
		long: `Fastfryser en offentliggjort udgave af et års statistik: statistikkontrakten med
diskretion, tilstanden for hvert offentliggjort tal og statusrapporten i alle formater
(json, html, pdf, xlsx, md; rapporterne på dansk og engelsk), præcis som
'nrm report --published' laver dem, med en SHA-256-hash af indholdet, tidspunktet og
brugeren. Udgaverne nummereres 1, 2, … pr. år; senere offentliggjorte visninger af året
(nrm report --published, overblikket, API'et) hentes fra den seneste udgave. En rettelse
er en ny udgave: den holder hvert tal skjult, som en tidligere udgave af året skjulte, og
afvises, når et tal, der er offentliggjort i begge, afviger med 1 til k-1 (det ville
afsløre de få personer, der ændrede sig). Standard opgørelsesdato: 1. marts året efter;
standard k = 3.`,
		flags: map[string]string{
			"cutoff": flagCutoff,
			"k":      "diskretionsgrænse (mindst 3)",
			"year":   "rapportår, fx 2011",
		},
	},
	"nrm publish list": {
		short: "Vis de offentliggjorte udgaver",
		flags: map[string]string{"year": "kun dette år"},
	},
	"nrm publish show": {
		short: "Skriv en gemt fil fra en udgave (json, html, pdf, xlsx, md; rapporter på --lang)",
		flags: map[string]string{
			"edition": "udgavens nummer (standard: den seneste)",
			"format":  "json, html, pdf, xlsx eller md",
			"output":  flagOutput,
			"year":    "rapportår",
		},
	},
	"nrm queue": {
		short: "Vis de sager, der venter på en myndigheds vurdering, eller størrelsen af hver kø",
		flags: map[string]string{
			"authority": "US eller CMM: vis den myndigheds kø (standard: størrelsen af hver kø)",
			"json":      "skriv JSON",
		},
	},
	"nrm referral": {short: "Henvis personer mellem organisationer: list, send, accept, return, withdraw, revoke"},
	"nrm referral accept": {
		short: "Acceptér en henvisning til din organisation (den får adgang til sagen)",
		flags: map[string]string{"date": flagDateToday},
	},
	"nrm referral list": {
		short: "Vis henvisninger, nyeste først (ingen identifikationsoplysninger, ingen begrundelser)",
		flags: map[string]string{
			"in":     "kun modtagne henvisninger",
			"json":   flagJSONLines,
			"out":    "kun sendte henvisninger",
			"status": "kun denne status: sent, accepted, returned eller withdrawn",
		},
	},
	"nrm referral return": {
		short: "Send en henvisning tilbage til afsenderen, med --reason",
		flags: map[string]string{"date": flagDateToday, "reason": "begrundelsen (skal angives)"},
	},
	"nrm referral revoke": {
		short: "Afslut den adgang, en accepteret henvisning gav, med --reason",
		flags: map[string]string{"date": flagDateToday, "reason": "begrundelsen (skal angives)"},
	},
	"nrm referral send": {
		short: "Henvis en sag til den kompetente myndighed (US eller CMM efter opholdsgrundlag) eller en støtteudbyder",
		long: `Henviser en sag til en anden organisation. En vurdering går til den kompetente
myndighed: US (Udlændingestyrelsen) for asylansøgere og personer uden lovligt ophold,
CMM (Center mod Menneskehandel) for personer med lovligt ophold; et andet valg kræver
--route-reason. Henvisningen bygger på personens samtykke (--consent-id, se
"nrm consent give"); for en mindreårig kræves intet samtykke, men den underrettede
kommune registreres i stedet (--municipality, --informed). Kommandolinjen sender på
vegne af --from (en organisation med adgang til sagen).`,
		flags: map[string]string{
			"consent-id":   "det samtykke, henvisningen bygger på",
			"date":         "henvisningens dato ÅÅÅÅ-MM-DD (skal angives)",
			"from":         "koden for den henvisende organisation (skal angives på kommandolinjen)",
			"indicator":    "en observeret indikator (kan gentages): deceptive_recruitment, documents_withheld, debt_bondage, restricted_movement, violence_threats, withheld_wages, controlled_by_others, degrading_conditions, isolation, other",
			"informed":     "for en mindreårig: datoen, kommunen blev underrettet, ÅÅÅÅ-MM-DD",
			"municipality": "for en mindreårig: den underrettede kommune",
			"purpose":      "assessment (vurdering) eller support (støtte) (skal angives)",
			"reason":       "hvorfor personen henvises (skal angives; gemmes krypteret)",
			"route-reason": "hvorfor en anden myndighed end den, opholdsgrundlaget peger på",
			"to":           "koden for den modtagende organisation (skal angives)",
		},
	},
	"nrm referral withdraw": {
		short: "Træk en henvisning tilbage, som din organisation har sendt",
		flags: map[string]string{"date": flagDateToday},
	},
	"nrm report": {
		short: "Lav den årlige statusrapport (json, html, pdf, xlsx, md) eller Eurostat/UNODC-tabellerne",
		long: `Laver den årlige statusrapport for et rapportår og en opgørelsesdato (standard:
1. marts året efter). --format json skriver statistikkontrakten, som README beskriver;
html, pdf, xlsx og md statusrapporten med handlingsplanen, tabeller, figurer og tekst på
--lang (da eller en).

--k N (eller --published, k = 3) anvender diskretion: tal under N vises som "<N", tal,
der kunne afsløre dem, som "x", og teksten nævner ingen af dem; med --format json
skriver den offentliggjorte kontrakt sådanne celler som tekst ("<N", eller ".." for et
tal, der er skjult for at beskytte et andet) og udelader listen over mindreårige.
--format eurostat -o MAPPE skriver Eurostat/UNODC-tabellerne som CSV-filer (k = 3,
medmindre --k angives; --k 1 giver præcise tal til en sikret kanal).
--org KODE tæller kun de sager, den organisation kan se (egne, delt med den, henvist
til den), præcist og ikke til offentliggørelse.
SOURCE_DATE_EPOCH fastlægger det viste tidspunkt for dannelsen, så output kan genskabes.`,
		flags: map[string]string{
			"cutoff":    flagCutoff,
			"format":    "json, html, pdf, xlsx, md eller eurostat (CSV-tabeller i mappen -o)",
			"k":         "diskretionsgrænse: tal under k vises som <k (0 = fra; eurostat: standard 3)",
			"org":       "tæl kun de sager, denne organisation kan se (præcise tal, ikke til offentliggørelse)",
			"output":    "fil at skrive til, eller mappe for eurostat (standard: standardoutput)",
			"period":    "handlingsplanens statusperiode, der vises, fx 2012-spring (forår 2012) (standard: den seneste, der er begyndt inden opgørelsesdatoen)",
			"published": "offentliggjort rapport: diskretion med k = 3, medmindre --k angives",
			"year":      "rapportår, fx 2011",
		},
	},
	"nrm retention": {short: "Slet identifikationsoplysningerne i sager, der blev afsluttet for længe siden; statistikken bevares"},
	"nrm retention apply": {
		short: "Slet identifikationsoplysningerne i hver sag, hvis seneste udtræden ligger mere end N år tilbage",
		long: `Fjerner de direkte identifikationsoplysninger (navn, andre navne, fødselsdato, dokumenter,
telefon, adresse, noter) i hver sag, hvis seneste udtræden ligger mere end N år før i dag.
Sagens statistiske oplysninger bliver, så al statistik og alle rapporter forbliver de
samme. Hver sletning skrives i revisionsloggen. Kør bagefter "nrm keys rotate", så kopier
af de krypterede oplysninger i sikkerhedskopier eller ledige sider i databasen ikke
længere kan åbnes.`,
		flags: map[string]string{
			"dry-run": "tæl kun de sager, der ville blive ryddet",
			"today":   "referencedato ÅÅÅÅ-MM-DD (standard: i dag)",
			"years":   "opbevaringsperiode i år efter seneste udtræden (skal angives)",
		},
	},
	"nrm serve": {
		short: "Kør webapplikationen og JSON-API'et",
		long: `Kører webapplikationen (på dansk, med engelsk som andet sprog) og JSON-API'et under
/api/v1 (OpenAPI-beskrivelse på /api/v1/openapi.json).
--demo indlæser først demodata og opretter ved første kørsel administratoren "admin"
med en engangsadgangskode. Stop med Ctrl-C (SIGINT) eller SIGTERM: forespørgsler, der er
i gang, gøres færdige, før serveren stopper.
Bag en load balancer eller reverse proxy angives dens adresser med --trusted-proxy (eller
NRM_TRUSTED_PROXIES, adskilt af komma), så begrænsningen af loginforsøg og
revisionsloggen ser hver klients adresse fra X-Forwarded-For i stedet for proxyens.
--anchor-dir MAPPE (eller NRM_ANCHOR_DIR) skriver et signeret kontrolpunkt for
revisionskæden til MAPPE ved start, hver --anchor-every (NRM_ANCHOR_EVERY, standard 10m)
og ved stop, som nrm audit anchor gør.
--digest-at TT:MM (eller NRM_DIGEST_AT) sender hver dag på det tidspunkt hver bruger med en
e-mailadresse en oversigt over deres opgaver, som nrm tasks digest gør; SMTP-serveren og
afsenderen angives med --digest-smtp og --digest-from eller NRM_SMTP_ADDR og NRM_SMTP_FROM
(et login med NRM_SMTP_USER og NRM_SMTP_PASSWORD).`,
		flags: map[string]string{
			"addr":           "adresse at lytte på",
			"digest-at":      "send opgaveoversigterne med e-mail hver dag på dette tidspunkt, TT:MM (NRM_DIGEST_AT)",
			"digest-smtp":    "SMTP-server for oversigterne som vært:port (NRM_SMTP_ADDR)",
			"digest-from":    "afsenderadresse for oversigterne (NRM_SMTP_FROM)",
			"anchor-dir":     "mappe uden for databasen, som revisionskæden forankres i (NRM_ANCHOR_DIR)",
			"anchor-every":   "interval mellem ankrene med --anchor-dir (NRM_ANCHOR_EVERY)",
			"demo":           "indlæs demodata før start (kan gentages uden virkning)",
			"secure-cookies": "markér cookies som Secure (sæt det, når der serveres over HTTPS, fx bag en TLS-proxy)",
			"trusted-proxy":  "adresse eller netværk (CIDR) for en reverse proxy, hvis X-Forwarded-For angiver klienten (kan gentages)",
		},
	},
	"nrm settings": {
		short: "Vis, ændr eller nulstil indstillingerne (engangsadgangskoders gyldighed, roller med totrinsgodkendelse, adgang til statistik, …)",
		long: `Indstillingerne gælder for hele systemet. Kun de kendte indstillinger findes; hver værdi
kontrolleres (en afvist værdi ændrer intet), og hver ændring skrives i revisionsloggen med
den gamle og den nye værdi.`,
	},
	"nrm settings get":   {short: "Skriv en indstillings gældende værdi (den gemte, ellers standardværdien)"},
	"nrm settings list":  {short: "Vis alle indstillinger med deres værdi, om standardværdien gælder, og hvad de tager"},
	"nrm settings reset": {short: "Sæt en indstilling tilbage til standardværdien"},
	"nrm settings set": {
		short: "Ændr en indstilling; værdien kontrolleres først (en tom værdi er tilladt, hvor indstillingen tager en)",
	},
	"nrm user": {short: "Håndtér brugere: add, disable, enable, reset (adgangskode eller totrinsgodkendelse), list, token, revoke"},
	"nrm user add": {
		short: "Opret en bruger og skriv en engangsadgangskode (eller læs en fra standardinput med --password-stdin); den udløber efter indstillingen password.onetime_hours og skal skiftes ved første login",
		flags: map[string]string{
			"authority":      "for vurderende sagsbehandlere: myndigheden, de afgør for, US eller CMM",
			"name":           "visningsnavn",
			"org":            "organisationskode, fx CMM (skal angives)",
			"password-stdin": "læs adgangskoden fra første linje af standardinput i stedet for at lave en",
			"role":           "rolle: admin, coordinator, assessor, caseworker, analyst eller auditor (skal angives)",
			"user-lang":      "brugerens sprog: da eller en",
		},
	},
	"nrm user disable": {short: "Forhindr en bruger i at logge ind; brugerens sessioner ophører, og API-nøglerne holder op med at virke"},
	"nrm user enable":  {short: "Lad en deaktiveret bruger logge ind igen"},
	"nrm user list": {
		short: "Vis brugere med rolle, organisation og status",
		flags: map[string]string{"json": flagJSONLines},
	},
	"nrm user reset": {
		short: "Giv en bruger en ny engangsadgangskode og ophæv en spærring, eller nulstil med --twofactor brugerens totrinsgodkendelse; brugerens sessioner ophører",
		long: `reset giver brugeren en ny engangsadgangskode (skrives én gang; den udløber efter
indstillingen password.onetime_hours og skal skiftes ved første login) og ophæver en
spærring efter mislykkede loginforsøg.

--twofactor fjerner i stedet brugerens totrinsgodkendelse (TOTP) og gendannelseskoder,
fx efter en mistet telefon: brugeren beholder adgangskoden og sætter totrinsgodkendelse
op igen ved næste login. --twofactor --password gør begge dele.
Begge veje ophører brugerens sessioner.`,
		flags: map[string]string{
			"clear-totp":     "det samme som --twofactor --password",
			"password":       "med --twofactor: nulstil også adgangskoden",
			"password-stdin": "læs den nye engangsadgangskode fra første linje af standardinput i stedet for at lave en",
			"twofactor":      "nulstil brugerens totrinsgodkendelse (TOTP) og gendannelseskoder i stedet for adgangskoden, fx efter en mistet telefon",
		},
	},
	"nrm user revoke": {
		short: "Tilbagekald en brugers API-nøgle efter navn; integrationen, der bruger den, lukkes ude med det samme",
		flags: map[string]string{"name": "API-nøglens navn (skal angives)"},
	},
	"nrm user token": {
		short: "Udsted en API-nøgle til en integration, der handler som brugeren; den vises kun én gang",
		flags: map[string]string{"name": "hvad API-nøglen er til, fx eurostat-export (skal angives)"},
	},
}
