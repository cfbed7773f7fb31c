package cloudflaremock

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// formPart is one part of a multipart/form-data request body.
type formPart struct {
	name        string // the Content-Disposition `name`
	filename    string // the Content-Disposition `filename`, "" when absent
	contentType string
	data        []byte
}

var (
	// errNotMultipart: the Workers upload and settings routes only take multipart/form-data
	// (FACTS.md, Workers: scripts: 415 or 400 code 10001). The mock answers 415,
	// the status that names the problem; the message lists the one type it accepts.
	errNotMultipart = fail(http.StatusUnsupportedMediaType, 10001, "Content-Type must be one of: multipart/form-data")
	// errMalformedMultipart: a multipart body that cannot be read (bad boundary, truncated part).
	// A decision of the mock: 10021 is the code Cloudflare gives its other "could not read
	// part" upload errors.
	errMalformedMultipart = fail(http.StatusBadRequest, 10021, "could not parse multipart form data")
)

// formParts reads the body as multipart/form-data, whatever the method. The body has already
// been read whole and bounded by maxBodyBytes, so every part fits in memory. Content-Disposition
// is parsed here rather than with Part.FileName, which strips directories: a module called
// "lib/util.js" must keep its name.
func (c *call) formParts() ([]formPart, *apiError) {
	mediaType, params, err := mime.ParseMediaType(c.req.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, errNotMultipart
	}
	reader := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	var parts []formPart
	for {
		p, err := reader.NextPart()
		if errors.Is(err, io.EOF) {
			return parts, nil
		}
		if err != nil {
			return nil, errMalformedMultipart
		}
		_, disposition, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if err != nil {
			return nil, errMalformedMultipart
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, errMalformedMultipart
		}
		parts = append(parts, formPart{
			name:        disposition["name"],
			filename:    disposition["filename"],
			contentType: p.Header.Get("Content-Type"),
			data:        data,
		})
	}
}
