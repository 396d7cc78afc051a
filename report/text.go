package report

// Fixed texts adapted from the seed (Danish) with their English versions.
// They are the defaults; the introduction can be replaced through
// Input.Intro.

var introCrime = [2]string{
	"Handel med mennesker er en indbringende form for organiseret kriminalitet. Samtidig er handel med mennesker et fundamentalt brud med menneskerettighederne og en meget alvorlig forbrydelse. I Danmark såvel som internationalt er handel med mennesker et stigende problem.",
	"Trafficking in human beings is a lucrative form of organised crime. At the same time, trafficking in human beings is a fundamental violation of human rights and a very serious crime. In Denmark as well as internationally, trafficking in human beings is a growing problem.",
}

var introHistory = [2]string{
	"I Danmark har vi siden 2002 samlet indsatsen til bekæmpelse af menneskehandel i handlingsplaner. Alle handlingsplaner har været finansieret af satspuljemidler. Hovedparten af midlerne kanaliseres videre til Center mod Menneskehandel (CMM), der står for samarbejdet og kontakten til NGO'er og sociale organisationer på området. Indsatsen koordineres af en tværministeriel arbejdsgruppe.",
	"Since 2002, Denmark has gathered its effort to combat trafficking in human beings in action plans. All action plans have been financed from the earmarked funding pool (satspuljen). Most of the funds are passed on to the Danish Centre against Human Trafficking (CMM), which is responsible for cooperation and contact with NGOs and social organisations in the field. The effort is coordinated by an inter-ministerial working group.",
}

var introTarget = [2]string{
	"Handlingsplanens primære målgruppe er alle ofre for menneskehandel. Selvom kvinder stadig udgør den største gruppe af identificerede ofre, er parterne bag handlingsplanen meget opmærksomme på handel med børn og handel til tvangsarbejde. Handlingsplanens sekundære målgrupper er bagmændene, potentielle kunder, mulige ofre i afsenderlande og relevante myndigheder og andre aktører på området.",
	"The primary target group of the action plan is all victims of trafficking in human beings. Although women are still the largest group of identified victims, the parties behind the action plan pay close attention to trafficking in children and trafficking for forced labour. The secondary target groups are the traffickers, potential clients, possible victims in countries of origin, and the relevant authorities and other actors in the field.",
}

var introReport = [2]string{
	"Den tværministerielle arbejdsgruppe udarbejder hvert år en statusrapport, der offentliggøres. I det følgende gennemgås de nye aktiviteter, der skal igangsættes som del af implementeringen af den nuværende handlingsplan. Afslutningsvist er der i statusrapporten et afsnit med relevante statistiske opgørelser.",
	"The inter-ministerial working group prepares a status report every year, which is published. The following sections review the new activities to be launched as part of the implementation of the current action plan. The status report ends with a section of relevant statistics.",
}

var activitiesIntro = [2]string{
	"I handlingsplanen introduceres en række nye aktiviteter. Disse skal ses som supplement til og videreudvikling af den indsats, der allerede foregår med henblik på at identificere og støtte ofrene, forebygge menneskehandel nationalt og internationalt samt retsforfølge bagmændene.",
	"The action plan introduces a number of new activities. They supplement and develop the effort already under way to identify and support the victims, prevent trafficking nationally and internationally, and prosecute the traffickers.",
}

var statisticsIntro = [2]string{
	"I dette afsnit præsenteres forskellige statistikker, der kan være med til at skabe et overblik over omfanget af handel med mennesker og konkrete resultater af indsatsen til bekæmpelse af menneskehandel, såsom antal identificerede ofre, antal retsforfulgte bagmænd og antal gennemførte hjemsendelser.",
	"This section presents statistics that help give an overview of the extent of trafficking in human beings and of the concrete results of the effort against it, such as the number of identified victims, the number of prosecuted traffickers and the number of completed returns.",
}

var authorityExplanation = [2]string{
	"Udlændingestyrelsen (US) træffer afgørelser om menneskehandel, når det drejer sig om asylansøgere og udlændinge uden lovligt ophold i Danmark. Center mod Menneskehandel (CMM) træffer afgørelser, når det drejer sig om personer med lovligt ophold i Danmark.",
	"The Danish Immigration Service (US) decides whether a person is a victim of trafficking when the person is an asylum seeker or a foreign national without legal stay in Denmark. The Danish Centre against Human Trafficking (CMM) decides when the person has legal stay in Denmark.",
}

var afterIdentification = [2]string{
	"Alle personer, der identificeres som ofre for menneskehandel, tilbydes støtte under handlingsplanen. Nogle afslår tilbuddet, andre tager imod og forsvinder eller træder efterfølgende ud af tilbuddet, mens endnu andre tager imod en forberedt hjemsendelse eller anden form for støtte i forbindelse med hjemrejse.",
	"All persons identified as victims of trafficking are offered support under the action plan. Some decline the offer, others accept it and later disappear or leave the support, while others again accept a prepared return or another form of support for their journey home.",
}

var returnsViews = [2]string{
	"Hjemsendelser i året omfatter alle hjemsendelser gennemført i året, uanset hvornår personen blev vurderet handlet. Hjemsendelser for årets identificerede omfatter de personer, der blev vurderet handlet i året, og deres hjemsendelser frem til opgørelsesdatoen.",
	"Returns in the year cover every return carried out in the year, whatever the year in which the person was identified. Returns of the year's identified persons cover the persons identified in the year and their returns up to the cut-off date.",
}

// prosecutionNoteEN is the English version of nrm.DefaultProsecutionNote.
const prosecutionNoteEN = "The count of charges and decisions is based on all instances in which a charge was brought or a decision made in the period. Where several charges are brought on the same report, all of them are counted. Furthermore, all charges brought in the period are counted, not only those concerning reports registered in the same period. The same applies to the count of decisions. Errors in data entry cannot be ruled out. The counts are also updated continuously, so that corrections and new registrations can be taken into account."
