import { useEffect } from 'react';

/** The landing page: what Naqsh is, in Arabic (right to left) and French. The full client grows per feature. */
export function App() {
  useEffect(() => {
    document.documentElement.lang = 'ar';
    document.documentElement.dir = 'rtl';
  }, []);
  return (
    <main className="landing">
      <header className="hero">
        <div className="star" aria-hidden="true" />
        <h1>
          <span lang="ar">نقش</span> · <span lang="fr">Naqsh</span>
        </h1>
      </header>
      <section lang="ar" dir="rtl" className="pitch">
        <h2>سجل زخارف الصناعة التقليدية المغربية</h2>
        <p>
          يودع الصناع التقليديون والتعاونيات رسومهم وزخارفهم التقليدية — الزرابي، الفخار، الزليج، الطرز، الحلي، الجلد
          والخشب — لحمايتها كعلامات جماعية أو رسوم ونماذج صناعية أو ضمن جرد التراث اللامادي.
        </p>
        <p>يمكن للعموم والمشترين وأعوان الجمارك البحث عن الزخارف المحمية بالكلمات أو بالصور، والتحقق من الشهادات.</p>
      </section>
      <section lang="fr" dir="ltr" className="pitch">
        <h2>Le registre des motifs de l'artisanat marocain</h2>
        <p>
          Artisans et coopératives y déposent leurs dessins et motifs traditionnels — tapis, poterie, zellige, broderie,
          bijoux, cuir et bois — pour les protéger comme marques collectives, dessins et modèles industriels ou au titre
          de l'inventaire du patrimoine immatériel.
        </p>
        <p>Le public, les acheteurs et les douanes recherchent les motifs protégés par mots ou par photo, et vérifient les certificats.</p>
      </section>
      <footer className="foot">
        <a href="/api/docs">API</a>
      </footer>
    </main>
  );
}
