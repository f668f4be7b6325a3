package spec

import (
	"testing"
)

func TestForkNameRoundTrip(t *testing.T) {
	want := []string{"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu"}
	for i, name := range want {
		f := ForkName(i)
		if f.String() != name {
			t.Errorf("ForkName(%d).String() = %q, want %q", i, f.String(), name)
		}
		got, err := ParseForkName(name)
		if err != nil || got != f {
			t.Errorf("ParseForkName(%q) = %v, %v; want %v", name, got, err, f)
		}
	}
	if LatestFork != ForkName(len(want)-1) {
		t.Errorf("LatestFork = %v", LatestFork)
	}
	if _, err := ParseForkName("Fulu"); err == nil {
		t.Error("ParseForkName accepted a capitalised name")
	}
	if !(Phase0 < Altair && Electra < Fulu) {
		t.Error("forks are not ordered")
	}
}

func TestByteTypeText(t *testing.T) {
	v := Version{0x01, 0x02, 0xab, 0xff}
	if v.String() != "0x0102abff" {
		t.Errorf("String = %s", v)
	}
	var back Version
	if err := back.UnmarshalText([]byte("0x0102ABFF")); err != nil || back != v {
		t.Errorf("UnmarshalText = %v, %v", back, err)
	}
	for _, bad := range []string{"0102abff", "0x0102ab", "0x0102abff00", "0x0102abzz"} {
		if err := back.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted", bad)
		}
	}
}
