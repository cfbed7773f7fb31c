package cloudflaremock

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFactsCitations: every comment in the repository that cites "FACTS.md, <section>" names a
// section FACTS.md has, so a renamed or removed section cannot leave comments pointing nowhere.
func TestFactsCitations(t *testing.T) {
	facts, err := os.ReadFile("FACTS.md")
	if err != nil {
		t.Fatal(err)
	}
	var sections []string
	for _, line := range strings.Split(string(facts), "\n") {
		if title, ok := strings.CutPrefix(line, "## "); ok {
			sections = append(sections, title)
		} else if title, ok := strings.CutPrefix(line, "### "); ok {
			sections = append(sections, title)
		}
	}
	commentBreak := regexp.MustCompile(`\n[ \t]*//[ \t]*`)
	citation := regexp.MustCompile(`FACTS\.md, ([A-Z])`)
	cited := 0
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := commentBreak.ReplaceAllString(string(src), " ")
		for _, m := range citation.FindAllStringSubmatchIndex(text, -1) {
			cited++
			rest := text[m[2]:]
			found := false
			for _, s := range sections {
				found = found || strings.HasPrefix(rest, s)
			}
			if !found {
				t.Errorf("%s cites FACTS.md, %.40s...: no such section", path, rest)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited < 40 {
		t.Errorf("found %d citations of FACTS.md; the walk missed the comments", cited)
	}
}
