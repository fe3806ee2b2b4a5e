// Package models holds Skillbook's domain: the records a medical-assistant
// program keeps, their validation, the grading rule and the errors every
// other package speaks in. It imports nothing else of ours and no driver.
package models
