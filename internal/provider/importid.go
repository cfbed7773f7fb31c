package provider

import (
	"fmt"
	"strings"
)

// splitImportID splits an import id joined with "/" into exactly len(parts) non-empty pieces,
// and explains the expected form when it does not fit.
func splitImportID(id string, parts ...string) ([]string, error) {
	pieces := strings.Split(id, "/")
	if len(pieces) == len(parts) {
		complete := true
		for _, p := range pieces {
			complete = complete && p != ""
		}
		if complete {
			return pieces, nil
		}
	}
	return nil, fmt.Errorf("the import id %q does not have the form <%s>", id, strings.Join(parts, ">/<"))
}
