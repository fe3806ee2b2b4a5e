package seed

import (
	"fmt"
	"strings"
)

// People's names are drawn from common given names and surnames, so lists,
// searches and exports look like a real program's.
var (
	givenNames = []string{
		"Maria", "Jose", "Ashley", "Jessica", "Brittany", "Amanda", "Samantha", "Stephanie", "Jennifer", "Elizabeth",
		"Lauren", "Megan", "Emily", "Nicole", "Kayla", "Amber", "Rachel", "Danielle", "Courtney", "Heather",
		"Tiffany", "Melissa", "Alexis", "Jasmine", "Destiny", "Vanessa", "Gabriela", "Daniela", "Andrea", "Valeria",
		"Aaliyah", "Imani", "Keisha", "Latoya", "Ebony", "Priya", "Anjali", "Mei", "Linh", "Thi",
		"Fatima", "Amina", "Sofia", "Camila", "Lucia", "Carmen", "Rosa", "Ana", "Isabel", "Yesenia",
		"Michael", "Christopher", "Matthew", "Joshua", "David", "Daniel", "James", "Robert", "John", "Anthony",
		"Carlos", "Luis", "Juan", "Miguel", "Jorge", "Andre", "Marcus", "Tyrone", "Darnell", "Kevin",
		"Brian", "Jason", "Justin", "Tyler", "Brandon", "Ahmed", "Omar", "Hung", "Minh", "Raj",
		"Grace", "Hannah", "Olivia", "Chloe", "Zoe", "Naomi", "Ruth", "Esther", "Leah", "Abigail",
		"Kimberly", "Monica", "Crystal", "Erica", "Tanya", "Sandra", "Patricia", "Linda", "Barbara", "Susan",
	}
	surnames = []string{
		"Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez", "Torres",
		"Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Cruz", "Morales", "Ortiz", "Gutierrez", "Chavez",
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
		"Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
		"Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
		"Nguyen", "Tran", "Pham", "Le", "Kim", "Park", "Chen", "Wang", "Li", "Patel",
		"Shah", "Singh", "Khan", "Ali", "Hassan", "Okafor", "Adeyemi", "Mensah", "Owusu", "Mwangi",
		"Washington", "Jefferson", "Brooks", "Bennett", "Wood", "Barnes", "Ross", "Henderson", "Coleman", "Jenkins",
		"Perry", "Powell", "Long", "Patterson", "Hughes", "Price", "Sanders", "Myers", "Foster", "Simmons",
		"Murphy", "Sullivan", "Kelly", "O'Brien", "Byrne", "Novak", "Kowalski", "Schmidt", "Muller", "Rossi",
	}
	// credentials are the ones clinical instructors of MA programs hold.
	credentials = []string{"CMA (AAMA)", "CMA (AAMA)", "RMA (AMT)", "CCMA (NHA)", "NCMA (NCCT)", "RN", "LPN", "CMA (AAMA), CPT (NHA)"}
)

// person is a generated name with an address that is unique in the whole
// store (emails are unique across programs).
type person struct {
	name, email string
}

// newPerson names the n-th person of a role; tag makes the address unique
// to this seeded program.
func (g *gen) newPerson(role string, n int, tag string) person {
	first := givenNames[g.rnd.IntN(len(givenNames))]
	last := surnames[g.rnd.IntN(len(surnames))]
	local := strings.ToLower(strings.NewReplacer("'", "", " ", "").Replace(first + "." + last))
	return person{
		name:  first + " " + last,
		email: fmt.Sprintf("%s.%s%04d@%s.seed.skillbook.test", local, role[:1], n, tag),
	}
}

// stepFeedback is what an instructor writes under a failed step.
var stepFeedback = []string{
	"Missed this step: %s. Review the procedure and practise before the next attempt.",
	"Not performed: %s. Talk me through it before you try again.",
	"Out of order or incomplete: %s.",
	"Needs work: %s. Watch the lab video and practise with a partner.",
}

// evaluationComments are overall comments on evaluations.
var (
	passComments = []string{
		"", "", "", "Smooth and confident; good patient communication.", "Well done. Remember to narrate each step to the patient.",
		"Competent. Watch your timing on the last steps.", "Excellent technique and documentation.",
	}
	failComments = []string{
		"Review the critical steps and schedule another attempt.", "Patient safety step missed; please practise with the checklist.",
		"Close, but a critical element was not met.", "Practise in open lab twice before requesting again.",
	}
	returnComments = []string{
		"Not ready yet: practise the full sequence in open lab first.",
		"Equipment was not prepared; return when you can set up without prompts.",
	}
	amendmentReasons = []struct{ reason, correction string }{
		{"Wrong setting recorded", "Observed in the skills lab, not at the clinical site."},
		{"Observation date corrected", "The evaluation was observed the day before it was entered."},
		{"Comment clarified", "The note about timing referred to the documentation step, not the procedure."},
		{"Evaluator credential clarified", "Evaluator holds the credential shown; the site preceptor co-observed."},
	}
	remediationPlans = []string{
		"Two supervised practice sessions in open lab, then a new evaluation.",
		"Review the module video and the critical steps with the instructor; practise three times with a partner.",
		"One-on-one session with the clinical coordinator; re-evaluate within two weeks.",
	}
	practiceNotes  = []string{"", "", "", "Practised with a classmate in open lab.", "Self-check with the manikin arm.", "Timed myself: under five minutes."}
	procedureSites = []string{"Externship: Family Medicine Clinic", "Externship: Urgent Care", "Campus skills lab (volunteer)",
		"Externship: Internal Medicine", "Externship: Pediatrics Clinic", "Community health fair"}
	externshipSites = []externshipSite{{"Family Medicine Clinic", "Dr. Maria Alvarez", "MD"}, {"Urgent Care Center", "Kim Osei", "CMA (AAMA)"},
		{"Internal Medicine Associates", "Dr. Paul Brennan", "DO"}, {"Pediatrics Clinic", "Lena Fischer", "RN"},
		{"Cardiology Practice", "Tom Nguyen", "RMA (AMT)"}}
	practicumRejections = []string{"The preceptor's timesheet shows 4 hours that day, not a full day.",
		"The site has no record of you on this date; log it again with the right date.",
		"Orientation hours do not count toward the practicum."}
	rejectReasons = []string{"No preceptor signature on the log sheet.", "Date falls outside your externship schedule.",
		"Performed on a training arm, which does not count as a live procedure."}
)
