package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/extract"
)

// client is the S3 API over the project's HTTP stack. The SDK signs and
// decodes; httpx sends: its address guard, Meter, rate limit and retries
// (503 SlowDown, 500, resets, 429) apply to every request, and the SDK's
// own retryer is off so that the two never multiply their attempts. What
// httpx cannot retry, a body cut short, is fetched again here.
type client struct {
	s3      *s3.Client
	name    string
	secrets []string
	// brokenAttempts bounds the fetches of a response whose body arrived
	// broken; brokenWait is the pause before the next.
	brokenAttempts int
	brokenWait     time.Duration
}

func newClient(name string, s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	hc, err := httpx.New(httpx.Options{Env: env, Name: name, MaxBodyBytes: -1})
	if err != nil {
		return nil, err
	}
	opts := s3.Options{
		Region:                     s.Region,
		Credentials:                aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey.Reveal(), c.SessionToken.Reveal())),
		UsePathStyle:               s.PathStyle,
		HTTPClient:                 hc.StandardClient(),
		Retryer:                    aws.NopRetryer{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if s.Endpoint != "" {
		opts.BaseEndpoint = aws.String(s.Endpoint)
	}
	secrets := []string{c.SecretAccessKey.Reveal()}
	if tok := c.SessionToken.Reveal(); tok != "" {
		secrets = append(secrets, tok)
	}
	return &client{s3: s3.New(opts), name: name, secrets: secrets, brokenAttempts: 4, brokenWait: 500 * time.Millisecond}, nil
}

// page is one page of a listing.
type page struct {
	objects []types.Object
	next    string // continuation token of the next page; empty after the last
}

// list reads one page of keys under prefix: the page token names, or when
// token is empty the first page after startAfter.
func (c *client) list(ctx context.Context, bucket, prefix, token, startAfter string, size int) (page, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(int32(size))}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	switch {
	case token != "":
		in.ContinuationToken = aws.String(token)
	case startAfter != "":
		in.StartAfter = aws.String(startAfter)
	}
	var out *s3.ListObjectsV2Output
	err := c.again(ctx, func() (err error) {
		out, err = c.s3.ListObjectsV2(ctx, in)
		return err
	})
	if err != nil {
		return page{}, c.classify("list "+bucket, err)
	}
	p := page{objects: out.Contents}
	if aws.ToBool(out.IsTruncated) {
		p.next = aws.ToString(out.NextContinuationToken)
		if p.next == "" {
			return page{}, &tributary.Error{Op: c.name + ": list " + bucket, Kind: tributary.ErrTransient,
				Err: errors.New("a truncated listing named no continuation token")}
		}
	}
	return p, nil
}

// get reads the object as listed: size bytes with the listing's etag. A
// body that arrives shorter than that (a connection cut mid-answer, an
// answer that lies about its length) is fetched again. When the object
// changed since it was listed (another ETag), or was not listed (size
// below zero), its answer's own length counts instead, up to limit bytes.
// It returns the body and the object's last modification.
func (c *client) get(ctx context.Context, bucket, key string, size int64, etag string, limit int64) ([]byte, time.Time, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	var b []byte
	var modified time.Time
	err := c.again(ctx, func() error {
		out, err := c.s3.GetObject(ctx, in)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		modified = aws.ToTime(out.LastModified)
		want, since := size, " since it was listed"
		if got := aws.ToString(out.ETag); got != "" && etag != "" && got != etag && out.ContentLength != nil {
			want = *out.ContentLength
		}
		if size < 0 {
			since = ""
			if want = limit; out.ContentLength != nil {
				want = *out.ContentLength
			}
		}
		if want > limit {
			return fmt.Errorf("%w: %d bytes%s, over max_object_size %d", extract.ErrTooLarge, want, since, limit)
		}
		b, err = readAll(out.Body, want)
		switch {
		case err != nil:
			return err
		case size < 0 && out.ContentLength == nil && int64(len(b)) <= limit:
			return nil // no length announced: whatever came, within limit
		case int64(len(b)) < want:
			return fmt.Errorf("%w: %d of %d bytes", io.ErrUnexpectedEOF, len(b), want)
		case int64(len(b)) > want:
			return fmt.Errorf("%w: more than the %d bytes announced", io.ErrUnexpectedEOF, want)
		}
		return nil
	})
	if errors.Is(err, extract.ErrTooLarge) {
		return nil, time.Time{}, err
	}
	if err != nil {
		return nil, time.Time{}, c.classify("get "+key, err)
	}
	return b, modified, nil
}

// first reads at most n bytes from the start of an object (a ranged
// GetObject), enough to tell its format by content. A service that ignores
// the range sends the whole body, of which only n bytes are read.
func (c *client) first(ctx context.Context, bucket, key string, n int64) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Range: aws.String(fmt.Sprintf("bytes=0-%d", n-1))}
	var b []byte
	err := c.again(ctx, func() error {
		out, err := c.s3.GetObject(ctx, in)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		b, err = io.ReadAll(io.LimitReader(out.Body, n))
		return err
	})
	if re, ok := errors.AsType[*smithyhttp.ResponseError](err); ok && re.HTTPStatusCode() == http.StatusRequestedRangeNotSatisfiable {
		return nil, nil // an empty object
	}
	if err != nil {
		return nil, c.classify("get "+key, err)
	}
	return b, nil
}

// head reads the listing's view of one object: its key, size, ETag and
// last modification.
func (c *client) head(ctx context.Context, bucket, key string) (types.Object, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	var out *s3.HeadObjectOutput
	err := c.again(ctx, func() (err error) {
		out, err = c.s3.HeadObject(ctx, in)
		return err
	})
	if err != nil {
		return types.Object{}, c.classify("head "+key, err)
	}
	return types.Object{Key: aws.String(key), Size: out.ContentLength, ETag: out.ETag, LastModified: out.LastModified}, nil
}

// readAll reads r to its end, or to want+1 bytes, so that an object that
// grew since it was listed is noticed without reading all of it.
func readAll(r io.Reader, want int64) ([]byte, error) {
	b := make([]byte, 0, want+1)
	for int64(len(b)) <= want {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// again runs op until it succeeds, fails other than with a broken body, or
// has run brokenAttempts times.
func (c *client) again(ctx context.Context, op func() error) error {
	var err error
	for i := range c.brokenAttempts {
		if i > 0 {
			t := time.NewTimer(c.brokenWait << (i - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if err = op(); err == nil || !broken(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// broken reports whether err is a response whose body did not arrive
// whole: cut short, or not the XML it should be.
func broken(err error) bool {
	if _, ok := errors.AsType[*smithy.DeserializationError](err); ok {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// classify turns an SDK error into a *tributary.Error of the right kind,
// with the secrets taken out of its text.
func (c *client) classify(op string, err error) error {
	op = c.name + ": " + op
	if te, ok := errors.AsType[*tributary.Error](err); ok && te.Kind != nil {
		// The HTTP stack classified it (a refused address, retries spent).
		return &tributary.Error{Op: op, Kind: te.Kind, RetryAfter: te.RetryAfter, Err: redacted(err, c.secrets)}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, redacted(err, c.secrets))
	}
	return &tributary.Error{Op: op, Kind: kindOf(err), Err: redacted(err, c.secrets)}
}

// kindOf classifies by S3's error code first, then by status.
func kindOf(err error) error {
	if errors.Is(err, httpx.ErrForbiddenAddress) {
		return tributary.ErrInvalidConfig
	}
	if api, ok := errors.AsType[smithy.APIError](err); ok {
		switch api.ErrorCode() {
		case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "InvalidSecurity":
			return tributary.ErrCredentialExpired
		case "AccessDenied", "AllAccessDisabled", "AccountProblem":
			return tributary.ErrInsufficientPermissions
		case "NoSuchBucket", "NoSuchKey":
			return tributary.ErrNotFound
		case "SlowDown", "RequestLimitExceeded", "TooManyRequests":
			return tributary.ErrRateLimited
		case "InvalidBucketName", "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
			return tributary.ErrInvalidConfig
		}
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		switch code := status.HTTPStatusCode(); {
		case code == http.StatusUnauthorized:
			return tributary.ErrCredentialExpired
		case code == http.StatusForbidden:
			return tributary.ErrInsufficientPermissions
		case code == http.StatusNotFound:
			return tributary.ErrNotFound
		case code == http.StatusTooManyRequests:
			return tributary.ErrRateLimited
		case code == http.StatusMovedPermanently || code == http.StatusBadRequest:
			return tributary.ErrInvalidConfig
		case code >= 500:
			return tributary.ErrTransient
		}
	}
	return tributary.ErrTransient
}

// redactedError is an error whose text had secrets taken out; it still
// unwraps to the original for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redacted(err error, secrets []string) error {
	return &redactedError{msg: httpx.RedactString(err.Error(), secrets...), err: err}
}
